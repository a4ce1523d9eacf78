import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BlobClient,
  ContainerClient,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';
import { FOLDER_DISK_DESCRIPTOR } from '../../../shared/disks.ts';
import { startSandbox, type SandboxHandle } from './index.ts';
import { caTrustingPipeline } from './blob-access.ts';
import { mintToken } from './test-tokens.ts';
import { sbRequest } from './test-http.ts';
import { tempDir } from '../test-temp.ts';

/** The datacenter imports a folder disk prepared by hand, and rejects corrupted data in its DriveLog. */
let sb: SandboxHandle;
let token: string;
let work: string;
let accountKey: string;
/** `<ContainerSas>` of a valid SAS for container seed (made here with the storage SDK, not with the product's code). */
let goodSas: string;

const md5 = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex').toUpperCase();
const KEY_A = '111111-222222-333333-444444-555555-666666-777777-888888';
const KEY_B = '123456-123456-123456-123456-123456-123456-123456-123456';

interface PreparedDisk {
  path: string;
  serial: string;
  manifestHash: string;
  files: Array<{ blobPath: string; data: Buffer }>;
}

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * A stored access policy `id` on `container` of obcseedv2 (others kept) and a container SAS naming it, made with
 * @azure/storage-blob directly — independent of the product's container-sas.ts.
 */
async function policySas(container: string, id: string, permissions: string, expiresOn: Date): Promise<string> {
  const key = new StorageSharedKeyCredential('obcseedv2', accountKey);
  const cc = new ContainerClient(`${sb.blobUrl}/obcseedv2/${container}`, caTrustingPipeline(key, sb.caCertPem));
  await cc.createIfNotExists();
  const now = await cc.getAccessPolicy();
  await cc.setAccessPolicy(undefined, [
    ...now.signedIdentifiers.filter((i) => i.id !== id),
    { id, accessPolicy: { permissions, expiresOn } },
  ]);
  return `${container}?${generateBlobSASQueryParameters({ containerName: container, identifier: id }, key).toString()}`;
}

/** Builds a folder disk the way the spec describes it: descriptor, data under obc-session-1, DriveManifest.xml. */
async function prepareDisk(
  serial: string,
  bitLockerKey: string,
  container: string,
  job: string,
  credential = goodSas,
): Promise<PreparedDisk> {
  const path = join(work, serial);
  await mkdir(join(path, 'obc-session-1', job, 'packs'), { recursive: true });
  await writeFile(
    join(path, FOLDER_DISK_DESCRIPTOR),
    JSON.stringify({
      format: 'obc-folder-disk',
      formatVersion: 1,
      serial,
      capacityBytes: 1 << 30,
      model: 'test disk',
      createdAt: new Date().toISOString(),
      bitLockerKey,
      jobName: job,
    }),
  );
  const files = [
    {
      rel: 'packs/000001.pack',
      data: Buffer.concat([randomBytes(1024 * 1024), randomBytes(512 * 1024)]),
      ranges: [
        [0, 1024 * 1024],
        [1024 * 1024, 512 * 1024],
      ],
    },
    {
      rel: 'catalog.bin',
      data: Buffer.concat([randomBytes(4096), Buffer.alloc(4096)]),
      ranges: [
        [0, 4096],
        [4096, 4096],
      ],
    },
  ];
  const blobsXml = [];
  for (const f of files) {
    await writeFile(join(path, 'obc-session-1', job, ...f.rel.split('/')), f.data);
    const ranges = f.ranges
      .map(([o, l]) => `<PageRange Offset="${o}" Length="${l}" Hash="${md5(f.data.subarray(o, o + l))}"/>`)
      .join('');
    blobsXml.push(
      `<Blob><BlobPath>${container}/${job}/${f.rel}</BlobPath><FilePath>\\obc-session-1\\${job}\\${f.rel.replace(/\//g, '\\')}</FilePath><Length>${f.data.length}</Length><ImportDisposition>overwrite</ImportDisposition><PageRangeList>${ranges}</PageRangeList></Blob>`,
    );
  }
  const manifest = `<?xml version="1.0" encoding="UTF-8"?>\n<DriveManifest Version="2014-11-01"><Drive><DriveId>${serial}</DriveId>${credential}<ClientCreator>hand-made test</ClientCreator><BlobList>${blobsXml.join('')}</BlobList></Drive></DriveManifest>\n`;
  await writeFile(join(path, 'DriveManifest.xml'), manifest);
  return {
    path,
    serial,
    manifestHash: md5(manifest),
    files: files.map((f) => ({ blobPath: `${container}/${job}/${f.rel}`, data: f.data })),
  };
}

const arm = (path: string, method = 'GET', body?: unknown) =>
  sbRequest(`${sb.armUrl}${path}`, { method, body, token, ca: sb.caCertPem });
const admin = (path: string, body?: unknown) =>
  sbRequest(`${sb.admin.url}${path}`, { method: 'POST', body, token: sb.admin.token });
const jobPath = (name: string) =>
  `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.ImportExport/jobs/${name}?api-version=2021-01-01`;

async function createShippedJob(
  name: string,
  disks: Array<{ serial: string; key: string; manifestHash: string }>,
  account = 'backup-rg/obcseedv2',
) {
  const [accountRg, accountName] = account.split('/');
  const put = await arm(jobPath(name), 'PUT', {
    location: 'West US',
    properties: {
      storageAccountId: `/subscriptions/${sb.subscriptionId}/resourceGroups/${accountRg}/providers/Microsoft.Storage/storageAccounts/${accountName}`,
      jobType: 'Import',
      returnAddress: {
        recipientName: 'IT',
        streetAddress1: '1 Main St',
        city: 'Redmond',
        postalCode: '98052',
        countryOrRegion: 'USA',
        phone: '4250000000',
        email: 'it@example.com',
      },
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123' },
      diagnosticsPath: 'waimportexport',
      logLevel: 'Verbose',
      backupDriveManifest: true,
      driveList: disks.map((d) => ({
        driveId: d.serial,
        bitLockerKey: d.key,
        manifestFile: '\\DriveManifest.xml',
        manifestHash: d.manifestHash,
      })),
    },
  });
  expect(put.status).toBe(201);
  const ship = await arm(jobPath(name), 'PATCH', {
    properties: {
      state: 'Shipping',
      deliveryPackage: {
        carrierName: 'FedEx',
        trackingNumber: `T-${name}`,
        driveCount: disks.length,
        shipDate: '2026-11-22',
      },
    },
  });
  expect(ship.json.properties.state).toBe('Shipping');
}

async function download(url: string): Promise<Buffer> {
  return new BlobClient(
    url,
    caTrustingPipeline(new StorageSharedKeyCredential('obcseedv2', accountKey), sb.caCertPem),
  ).downloadToBuffer();
}

beforeAll(async () => {
  work = await tempDir('obc-dc-');
  sb = await startSandbox({ registrationDelayMs: 0 });
  token = await mintToken(sb, sb.users[0]);
  await arm(
    `/subscriptions/${sb.subscriptionId}/providers/Microsoft.ImportExport/register?api-version=2025-04-01`,
    'POST',
  );
  accountKey = (
    await arm(
      `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2/listKeys?api-version=2025-08-01`,
      'POST',
    )
  ).json.keys[0].value;
  goodSas = `<ContainerSas>${xmlText(await policySas('seed', 'dc-good', 'rwd', new Date(Date.now() + 86_400_000)))}</ContainerSas>`;
});
afterAll(async () => {
  await sb?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('datacenter simulation', () => {
  it('imports a hand-prepared folder disk into page blobs and reports Completed', async () => {
    const disk = await prepareDisk('GOODDISK01', KEY_A, 'seed', 'good-job');
    await createShippedJob('good-job', [{ serial: disk.serial, key: KEY_A, manifestHash: disk.manifestHash }]);
    const rec = await admin('/jobs/backup-rg/good-job/receive', { disks: [{ path: disk.path }] });
    expect(rec.status).toBe(200);
    expect(rec.json.properties).toMatchObject({
      state: 'Received',
      driveList: [{ driveId: 'GOODDISK01', state: 'Received' }],
    });
    const tr = await admin('/jobs/backup-rg/good-job/transfer', {});
    expect(tr.status).toBe(200);
    const job = (await arm(jobPath('good-job'))).json;
    expect(job.properties.state).toBe('Completed');
    const drive = job.properties.driveList[0];
    const total = disk.files.reduce((s, f) => s + f.data.length, 0);
    expect(drive).toMatchObject({
      state: 'Completed',
      copyStatus: 'Completed',
      percentComplete: 100,
      bytesSucceeded: total,
    });
    expect(drive.errorLogUri).toBeUndefined();
    expect(drive.verboseLogUri).toMatch(
      /\/obcseedv2\/waimportexport\/good-job_GOODDISK01_\d{8}-\d{6}-\d{3}_verbose\.xml$/,
    );
    expect(drive.manifestUri).toMatch(/_manifest\.xml$/);
    for (const f of disk.files) expect(md5(await download(`${sb.blobUrl}/obcseedv2/${f.blobPath}`))).toBe(md5(f.data));
    const verbose = (await download(drive.verboseLogUri)).toString('utf8');
    expect(verbose).toContain('<DriveLog Version="2014-11-01">');
    expect(verbose).toMatch(/<Status>Completed<\/Status>\s*<\/DriveLog>/);
    // A completed job can be deleted; it could not while Shipping.
    expect((await arm(jobPath('good-job'), 'DELETE')).status).toBe(200);
  });

  it('rejects a flipped byte (Corrupted range, CompletedWithErrors) and a tampered manifest, and closes the job', async () => {
    const flipped = await prepareDisk('FLIPDISK01', KEY_A, 'seed', 'bad-job');
    const pack = join(flipped.path, 'obc-session-1', 'bad-job', 'packs', '000001.pack');
    const data = Buffer.from(flipped.files[0].data);
    data[1024 * 1024 + 100] ^= 0x01; // in the second range
    await writeFile(pack, data);
    const tampered = await prepareDisk('TAMPER0001', KEY_B, 'seed', 'bad-job');
    await writeFile(join(tampered.path, 'DriveManifest.xml'), '<DriveManifest/>');
    const wrongKey = await prepareDisk('WRONGKEY01', KEY_A, 'seed', 'bad-job');
    await createShippedJob('bad-job', [
      { serial: flipped.serial, key: KEY_A, manifestHash: flipped.manifestHash },
      { serial: tampered.serial, key: KEY_B, manifestHash: tampered.manifestHash },
      { serial: wrongKey.serial, key: KEY_B, manifestHash: wrongKey.manifestHash },
      { serial: 'NEVERCAME1', key: KEY_B, manifestHash: flipped.manifestHash },
    ]);
    await admin('/jobs/backup-rg/bad-job/receive', {
      disks: [{ path: flipped.path }, { path: tampered.path }, { path: wrongKey.path }],
    });
    const mid = await admin('/jobs/backup-rg/bad-job/transfer', { stopAt: 'Transferring' });
    expect(mid.json.job.properties.state).toBe('Transferring');
    expect(mid.json.job.properties.driveList[0]).toMatchObject({ state: 'Transferring', copyStatus: 'InProgress' });
    await admin('/jobs/backup-rg/bad-job/transfer', {});
    const job = (await arm(jobPath('bad-job'))).json;
    expect(job.properties.state).toBe('Closed');
    const [d1, d2, d3, d4] = job.properties.driveList;
    expect(d1).toMatchObject({
      state: 'CompletedMoreInfo',
      copyStatus: 'CompletedWithErrors',
      bytesSucceeded: 1024 * 1024 + 8192,
    });
    expect(d2).toMatchObject({ state: 'CompletedMoreInfo', copyStatus: 'ManifestCorrupted', bytesSucceeded: 0 });
    expect(d3).toMatchObject({ state: 'CompletedMoreInfo', copyStatus: 'BitLockerKeyInvalid' });
    expect(d4).toMatchObject({ state: 'NeverReceived' });

    const log = (await download(d1.errorLogUri)).toString('utf8');
    expect(log).toContain('<DriveId>FLIPDISK01</DriveId>');
    expect(log).toContain('<Blob Status="CompletedWithErrors">');
    expect(log).toContain(`<BlobPath>seed/bad-job/packs/000001.pack</BlobPath>`);
    expect(log).toMatch(
      new RegExp(`<PageRange Offset="1048576" Length="524288" Hash="[0-9A-F]{32}" Status="Corrupted"`),
    );
    expect(log).toMatch(/<PageRange Offset="0" Length="1048576" Hash="[0-9A-F]{32}" Status="Completed"/);
    expect(log).toMatch(/<Status>CompletedWithErrors<\/Status>\s*<\/DriveLog>/);
    expect(log).not.toContain('catalog.bin'); // the error log lists only blobs with errors
    expect((await download(d2.errorLogUri)).toString('utf8')).toContain('<Status>ManifestCorrupted</Status>');
    // The corrupted range was not written: the blob holds zeros there.
    const blob = await download(`${sb.blobUrl}/obcseedv2/seed/bad-job/packs/000001.pack`);
    expect(blob.subarray(0, 1024 * 1024).equals(flipped.files[0].data.subarray(0, 1024 * 1024))).toBe(true);
    expect(blob.subarray(1024 * 1024).every((b) => b === 0)).toBe(true);
    // Closed jobs cannot be deleted (only Creating or Completed).
    expect((await arm(jobPath('bad-job'), 'DELETE')).json.error.code).toBe('JobCannotBeDeleted');
  });

  it('applies ImportDisposition (rename, no-overwrite) and imports block blobs block by block', async () => {
    const serial = 'DISPDISK01';
    const path = join(work, serial);
    await mkdir(join(path, 'data'), { recursive: true });
    await writeFile(
      join(path, FOLDER_DISK_DESCRIPTOR),
      JSON.stringify({
        format: 'obc-folder-disk',
        formatVersion: 1,
        serial,
        capacityBytes: 1 << 30,
        createdAt: new Date().toISOString(),
        bitLockerKey: KEY_A,
      }),
    );
    const a = randomBytes(1024);
    const text = Buffer.from('hello block blob, '.repeat(100));
    await writeFile(join(path, 'data', 'a.bin'), a);
    await writeFile(join(path, 'data', 'b.bin'), a);
    await writeFile(join(path, 'data', 'c.txt'), text);
    const page = (name: string, disp: string) =>
      `<Blob><BlobPath>seed/disp/${name}</BlobPath><FilePath>\\data\\${name}</FilePath><Length>1024</Length><ImportDisposition>${disp}</ImportDisposition><PageRangeList><PageRange Offset="0" Length="1024" Hash="${md5(a)}"/></PageRangeList></Blob>`;
    const half = 900;
    const block = `<Blob><BlobPath>seed/disp/c.txt</BlobPath><FilePath>\\data\\c.txt</FilePath><Length>${text.length}</Length><BlockList><Block Offset="0" Length="${half}" Hash="${md5(text.subarray(0, half))}"/><Block Offset="${half}" Length="${text.length - half}" Hash="${md5(text.subarray(half))}"/></BlockList></Blob>`;
    const manifest = `<DriveManifest Version="2014-11-01"><Drive><DriveId>${serial}</DriveId>${goodSas}<ClientCreator>t</ClientCreator><BlobList>${page('a.bin', 'rename')}${page('b.bin', 'no-overwrite')}${block}</BlobList></Drive></DriveManifest>`;
    await writeFile(join(path, 'DriveManifest.xml'), manifest);
    // a.bin and b.bin already exist in the account.
    const cred = new StorageSharedKeyCredential('obcseedv2', accountKey);
    for (const n of ['a.bin', 'b.bin']) {
      const c = new BlobClient(`${sb.blobUrl}/obcseedv2/seed/disp/${n}`, caTrustingPipeline(cred, sb.caCertPem));
      await c.getBlockBlobClient().upload('old', 3);
    }
    await createShippedJob('disp-job', [{ serial, key: KEY_A, manifestHash: md5(manifest) }]);
    await admin('/jobs/backup-rg/disp-job/receive', { disks: [{ path }] });
    const tr = await admin('/jobs/backup-rg/disp-job/transfer', {});
    expect(tr.json.job.properties.state).toBe('Completed');
    const log = tr.json.logs[0].verboseLog as string;
    expect(log).toContain('<BlobPath>seed/disp/a (2).bin</BlobPath>');
    expect(log).toContain('<ImportDisposition Status="Renamed">rename</ImportDisposition>');
    expect(log).toContain('<ImportDisposition Status="Skipped">no-overwrite</ImportDisposition>');
    expect(log).toMatch(/<Block Offset="900" Length="\d+" Hash="[0-9A-F]{32}" Status="Committed"/);
    expect(md5(await download(`${sb.blobUrl}/obcseedv2/seed/disp/a (2).bin`))).toBe(md5(a));
    expect((await download(`${sb.blobUrl}/obcseedv2/seed/disp/b.bin`)).toString()).toBe('old');
    expect((await download(`${sb.blobUrl}/obcseedv2/seed/disp/c.txt`)).equals(text)).toBe(true);
  });

  it('cannot write page blobs into a BlobStorage account (BlobRequestFailed)', async () => {
    const disk = await prepareDisk('BLOBONLY01', KEY_A, 'seed', 'blobonly-job');
    await createShippedJob(
      'blobonly-job',
      [{ serial: disk.serial, key: KEY_A, manifestHash: disk.manifestHash }],
      'archive-rg/obcblobonly',
    );
    await admin('/jobs/backup-rg/blobonly-job/receive', { disks: [{ path: disk.path }] });
    const tr = await admin('/jobs/backup-rg/blobonly-job/transfer', {});
    expect(tr.json.job.properties.state).toBe('Closed');
    expect(tr.json.job.properties.driveList[0]).toMatchObject({
      state: 'CompletedMoreInfo',
      copyStatus: 'CompletedWithErrors',
      bytesSucceeded: 0,
    });
    expect(tr.json.logs[0].errorLog).toContain('<Blob Status="BlobRequestFailed">');
    expect(tr.json.job.properties.driveList[0].errorLogUri).toContain('/obcblobonly/waimportexport/');
  });

  it("imports with the manifest's credential only: none, both, another container, expired, revoked, read-only or a wrong key are refused", async () => {
    const day = 86_400_000;
    const sas = async (container: string, id: string, permissions: string, expiresIn: number) =>
      `<ContainerSas>${xmlText(await policySas(container, id, permissions, new Date(Date.now() + expiresIn)))}</ContainerSas>`;
    const revoked = await sas('seed', 'dc-revoked', 'rwd', day);
    const cc = new ContainerClient(
      `${sb.blobUrl}/obcseedv2/seed`,
      caTrustingPipeline(new StorageSharedKeyCredential('obcseedv2', accountKey), sb.caCertPem),
    );
    await cc.setAccessPolicy(
      undefined,
      (await cc.getAccessPolicy()).signedIdentifiers.filter((i) => i.id !== 'dc-revoked'),
    );
    const otherToken = (await policySas('other-box', 'dc-other', 'rwd', new Date(Date.now() + day))).split('?')[1];
    const wrongKey = Buffer.alloc(64, 7).toString('base64');
    const cases: Array<[string, string, string]> = [
      ['CRNONE0001', '', 'ManifestFormatInvalid'],
      ['CRBOTH0001', `<StorageAccountKey>${accountKey}</StorageAccountKey>${goodSas}`, 'ManifestFormatInvalid'],
      ['CROTHER001', await sas('other-box', 'dc-other', 'rwd', day), 'BlobRequestForbidden'], // blobs outside the SAS's container
      ['CRSIGNED01', `<ContainerSas>seed?${xmlText(otherToken)}</ContainerSas>`, 'BlobRequestForbidden'], // a token signed for another container
      ['CREXPIRE01', await sas('seed', 'dc-expired', 'rwd', -day), 'BlobRequestForbidden'],
      ['CRREVOKE01', revoked, 'BlobRequestForbidden'],
      ['CRREADONL1', await sas('seed', 'dc-readonly', 'r', day), 'BlobRequestForbidden'],
      ['CRWRONGK01', `<StorageAccountKey>${wrongKey}</StorageAccountKey>`, 'BlobRequestForbidden'],
      ['CRKEY00001', `<StorageAccountKey>${accountKey}</StorageAccountKey>`, 'Completed'],
      ['CRSAS00001', goodSas, 'Completed'],
    ];
    const disks = [];
    for (const [serial, credential] of cases)
      disks.push(await prepareDisk(serial, KEY_A, 'seed', `cred-${serial.toLowerCase()}`, credential));
    await createShippedJob(
      'cred-job',
      disks.map((d) => ({ serial: d.serial, key: KEY_A, manifestHash: d.manifestHash })),
    );
    await admin('/jobs/backup-rg/cred-job/receive', { disks: disks.map((d) => ({ path: d.path })) });
    const tr = await admin('/jobs/backup-rg/cred-job/transfer', {});
    const drives = tr.json.job.properties.driveList as Array<{
      driveId: string;
      copyStatus: string;
      bytesSucceeded: number;
    }>;
    for (const [serial, , status] of cases)
      expect(
        drives.find((d) => d.driveId === serial),
        serial,
      ).toMatchObject({ copyStatus: status, ...(status === 'Completed' ? {} : { bytesSucceeded: 0 }) });
    const forbidden = (tr.json.logs as Array<{ driveId: string; errorLog?: string }>).find(
      (l) => l.driveId === 'CREXPIRE01',
    )!.errorLog!;
    expect(forbidden).toContain('<Blob Status="BlobRequestForbidden">');
    expect(forbidden).toMatch(/<Status>BlobRequestForbidden<\/Status>\s*<\/DriveLog>/);
    // Nothing of a refused drive reached the container; the accepted ones are there byte for byte.
    for (const d of disks) {
      const ok = d.serial === 'CRKEY00001' || d.serial === 'CRSAS00001';
      for (const f of d.files) {
        const got = await download(`${sb.blobUrl}/obcseedv2/${f.blobPath}`).catch(() => null);
        expect(got === null ? null : md5(got), `${d.serial} ${f.blobPath}`).toBe(ok ? md5(f.data) : null);
      }
    }
  });

  it('refuses datacenter steps out of order', async () => {
    const r = await admin('/jobs/backup-rg/missing/receive', { disks: [] });
    expect(r.status).toBe(404);
    const disk = await prepareDisk('ORDERDISK1', KEY_A, 'seed', 'order-job');
    await createShippedJob('order-job', [{ serial: disk.serial, key: KEY_A, manifestHash: disk.manifestHash }]);
    expect((await admin('/jobs/backup-rg/order-job/transfer', {})).json.error.code).toBe('InvalidJobState'); // not received yet
    expect(
      (await admin('/jobs/backup-rg/order-job/receive', { disks: [{ path: disk.path, driveId: 'NOT-IN-JOB' }] })).json
        .error.code,
    ).toBe('DriveNotInJob');
    const bad = await sbRequest(`${sb.admin.url}/jobs`, { token: 'nope' });
    expect(bad.status).toBe(401);
  });
});
