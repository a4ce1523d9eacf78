import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobClient, ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caTrustingPipeline } from '../../services/sandbox/blob-access.ts';
import { mintToken } from '../../services/sandbox/test-tokens.ts';
import { sbRequest } from '../../services/sandbox/test-http.ts';
import { startAzureTestEnv, sandboxAdmin, type AzureTestEnv } from '../../services/azure/test-azure-env.ts';
import { swaggerReview } from '../../services/sandbox/test-swagger.ts';
import { writeJsonAtomic } from '../../services/store/atomic.ts';
import { SettingsStore } from '../../services/settings/settings-store.ts';
import { MiB, TEST_PASSPHRASE, TEST_SHIPPING, makeDisks, makeStaging } from '../../services/diskprep/test-staging.ts';
import { repoRoot } from '../../services/paths.ts';
import { tempDir } from '../../services/test-temp.ts';

/**
 * `obc diskprep` without --no-job against the sandbox cloud: the job is created from drives.json after the copy,
 * the sandbox datacenter imports the disks, and every check that can fail does so before a disk is touched.
 * The interactive sign-in is done once through the service (Chromium fills the sandbox's page); the CLI child
 * processes use the same encrypted sign-in cache.
 */
const CLI = join(repoRoot, 'electron', 'cli', 'index.ts');
let env: AzureTestEnv;
let work: string;
let dataDir: string;

const SHIPPING = TEST_SHIPPING;

function cli(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; lines: Array<Record<string, unknown>>; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const e = { ...process.env, OBC_PASSPHRASE: TEST_PASSPHRASE, OBC_DATA_DIR: dataDir, ...extraEnv } as Record<
      string,
      string
    >;
    delete e.OBC_DISKPREP_HALT_AT;
    const child = spawn(process.execPath, [CLI, ...args], { cwd: repoRoot, env: e, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        out,
        err,
        lines: out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      }),
    );
  });
}

/** Runs the CLI on a pseudo-terminal (util-linux `script`), answering each prompt when it appears, in order. */
function cliOnTerminal(
  args: string[],
  answers: Array<[RegExp, string]>,
): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve, reject) => {
    const e = { ...process.env, OBC_PASSPHRASE: TEST_PASSPHRASE, OBC_DATA_DIR: dataDir, TERM: 'dumb' } as Record<
      string,
      string
    >;
    const cmd = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      cwd: repoRoot,
      env: e,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let text = '';
    let from = 0;
    const next = () => {
      const a = answers[0];
      if (!a || !a[0].test(text.slice(from))) return;
      answers.shift();
      from = text.length;
      child.stdin.write(`${a[1]}\r`);
      next();
    };
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      next();
    });
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    // Watchdog: a prompt that never comes ends the run with the transcript instead of a silent test timeout.
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('close', () => clearTimeout(watchdog));
    child.on('close', (code) =>
      resolve({ code, text: answers.length ? `${text}\n[unanswered: ${answers.map((x) => x[0]).join(', ')}]` : text }),
    );
  });
}

const errorOf = (r: { lines: Array<Record<string, unknown>> }) =>
  r.lines.find((l) => l.type === 'error')?.error as { code: string; message: string } | undefined;
const untouched = async (disk: string) => expect(await readdir(disk)).toEqual(['obc-disk.json']);

beforeAll(async () => {
  env = await startAzureTestEnv();
  work = await tempDir('obc-diskprep-job-');
  dataDir = join(work, 'data');
  await writeJsonAtomic(join(dataDir, 'sandbox-cloud.json'), env.sb.cloud);
  const settings = new SettingsStore(dataDir);
  await settings.load();
  await settings.set({ cloud: 'LocalSandbox' });
  const svc = await env.service({ dataDir });
  await svc.signIn({ timeoutMs: 30_000 });
  svc.close();
}, 120_000);
afterAll(async () => {
  await env?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('obc diskprep creates the import job', () => {
  it('refuses before copying: missing shipping details, unknown storage account, bad --shipping file', async () => {
    const staging = join(work, 'st-refuse');
    await makeStaging(staging, 'refuse-job', [1 * MiB], { storageAccount: 'obcseedv2' });
    const [disk] = await makeDisks(join(work, 'refuse-disks'), [8 * MiB], 'REF');

    const noShip = await cli(['diskprep', `s:${staging}`, '--disk', disk, '--json']);
    expect(noShip.code, noShip.err).toBe(2);
    expect(errorOf(noShip)?.message).toMatch(
      /shipping details for import job refuse-job are incomplete.*contactName.*--shipping <file>.*Nothing was copied/,
    );
    // No --job-type and none in seed.json: a Data Box customer-disk job (decision 1), its provider registered before the copy.
    expect(
      noShip.lines.some(
        (l) => l.type === 'notice' && /Registering the Microsoft.DataBox resource provider/.test(String(l.message)),
      ),
    ).toBe(true);
    await untouched(disk);

    const badFile = join(work, 'ship-bad.json');
    await writeFile(badFile, JSON.stringify({ ...SHIPPING, fax: '123' }));
    const bad = await cli(['diskprep', `s:${staging}`, '--disk', disk, '--shipping', badFile, '--json']);
    expect(bad.code).toBe(2);
    expect(errorOf(bad)?.message).toMatch(/is not a shipping-details object.*fax/);
    await writeFile(badFile, JSON.stringify({ ...SHIPPING, carrierName: 'Pigeon Post' }));
    const carrier = await cli(['diskprep', `s:${staging}`, '--disk', disk, '--shipping', badFile, '--json']);
    expect(carrier.code).toBe(2);
    expect(errorOf(carrier)?.message).toMatch(/carrierName: .*Pigeon Post.*FedEx/);
    await untouched(disk);

    const other = join(work, 'st-other');
    await makeStaging(other, 'other-job', [1 * MiB], { storageAccount: 'nosuchacct' });
    const shipFile = join(work, 'ship.json');
    await writeFile(shipFile, JSON.stringify(SHIPPING));
    const missing = await cli(['diskprep', `s:${other}`, '--disk', disk, '--shipping', shipFile, '--json']);
    expect(missing.code).toBe(1);
    expect(errorOf(missing)).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/Storage account nosuchacct was not found/),
    });
    await untouched(disk);

    const timeout = await cli(['diskprep', `s:${staging}`, '--disk', disk, '--signin-timeout', 'soon']);
    expect(timeout.code).toBe(2);
    expect(timeout.err).toMatch(/--signin-timeout "soon" must be a whole number/);
  });

  it('prepares the disks, creates the job, prints where to ship; a repeat finds it; the datacenter imports it', async () => {
    const JOB = 'cli-made-job';
    const staging = join(work, 'st-ok');
    const seed = await makeStaging(staging, JOB, [3 * MiB, 2 * MiB + 512], {
      storageAccount: 'obcseedv2',
      container: 'seed',
    });
    const disks = await makeDisks(join(work, 'ok-disks'), [5 * MiB, 5 * MiB], 'CLIJOB');
    const shipFile = join(work, 'ship-ok.json');
    await writeFile(shipFile, JSON.stringify(SHIPPING));

    // Import/Export stays selectable (decision 1); the default, a Data Box job, is the terminal test's.
    const r = await cli([
      'diskprep',
      `s:${staging}`,
      '--disk',
      disks[0],
      '--disk',
      disks[1],
      '--job-type',
      'import-export',
      '--shipping',
      shipFile,
      '--json',
    ]);
    expect(r.code, r.err + r.out).toBe(0);
    const made = r.lines.find((l) => l.type === 'job') as {
      created: boolean;
      job: { name: string; state: string; drives: Array<{ driveId: string }>; resourceGroup: string };
      carriers: string[];
      summary: string[];
    };
    expect(made.created).toBe(true);
    expect(made.job).toMatchObject({ name: JOB, state: 'Creating', resourceGroup: 'backup-rg' });
    expect(made.job.drives.map((d) => d.driveId).sort()).toEqual(['CLIJOB1', 'CLIJOB2']);
    expect(made.carriers).toEqual(['FedEx', 'DHL']);
    expect(made.summary.join('\n')).toMatch(
      /Ship 2 disk\(s\) in one package to:\n {2}Microsoft Azure Import\/Export Service\n {2}2045 Lafayette Street/,
    );
    expect(made.summary.join('\n')).toMatch(/obc jobs track cli-made-job --subscription .* --resource-group backup-rg/);
    // The details are remembered for the next job (as the console's shipping form does).
    expect(JSON.parse(await readFile(join(dataDir, 'shipping-defaults.json'), 'utf8'))).toMatchObject({
      contactName: 'Ada Admin',
      carrierName: 'FedEx',
    });

    // Human output of a repeated run: nothing copied again, the existing job is reported.
    const again = await cli([
      'diskprep',
      `s:${staging}`,
      '--disk',
      disks[0],
      '--disk',
      disks[1],
      '--job-type',
      'import-export',
    ]);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/ {2}CLIJOB1: \d+ files.*\n {2}CLIJOB2: \d+ files/);
    expect(again.out).toMatch(/Found existing import job cli-made-job \(state Creating\)/);
    expect(again.out).toMatch(/Carriers this datacenter accepts: FedEx, DHL\./);

    const sub = env.sb.subscriptionId;
    const svc = await env.service({ dataDir });
    await svc.updateShipping(
      { subscriptionId: sub, resourceGroup: 'backup-rg', jobName: JOB },
      { carrierName: 'FedEx', trackingNumber: 'CLIJOB-T1', driveCount: 2, shipDate: '2026-11-22' },
    );
    svc.close();
    await sandboxAdmin(env.sb, `/jobs/backup-rg/${JOB}/receive`, { disks: disks.map((path) => ({ path })) });
    await sandboxAdmin(env.sb, `/jobs/backup-rg/${JOB}/transfer`, {});
    const svc2 = await env.service({ dataDir });
    const job = await svc2.getJob({ subscriptionId: sub, resourceGroup: 'backup-rg', jobName: JOB });
    svc2.close();
    expect(job.state).toBe('Completed');
    const token = await mintToken(env.sb, env.sb.users[0]);
    const listKeys = await sbRequest(
      `${env.sb.armUrl}/subscriptions/${sub}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2/listKeys?api-version=2026-09-01`,
      { method: 'POST', token, ca: env.sb.caCertPem },
    );
    const cred = new StorageSharedKeyCredential('obcseedv2', listKeys.json.keys[0].value);
    // The manifests' container SAS names the stored access policy obc-<job>, extended when the job was created (58 days).
    const policies = await new ContainerClient(
      `${env.sb.blobUrl}/obcseedv2/seed`,
      caTrustingPipeline(cred, env.sb.caCertPem),
    ).getAccessPolicy();
    const mine = policies.signedIdentifiers.find((i) => i.id === `obc-${JOB}`);
    expect(mine?.accessPolicy.permissions).toBe('rwd');
    expect(mine!.accessPolicy.expiresOn!.getTime()).toBeGreaterThan(Date.now() + 57 * 86_400_000);
    for (const d of disks)
      expect(await readFile(join(d, 'DriveManifest.xml'), 'utf8')).toMatch(
        new RegExp(`<ContainerSas>seed\\?[^<]*\\bsi=obc-${JOB}\\b`),
      );
    for (const f of seed.files) {
      const blob = await new BlobClient(
        `${env.sb.blobUrl}/obcseedv2/seed/${JOB}/${f.path}`,
        caTrustingPipeline(cred, env.sb.caCertPem),
      ).downloadToBuffer();
      expect(blob.equals(await readFile(join(staging, JOB, f.path))), f.path).toBe(true);
    }
  });

  it('an existing job with other drives: the disks are kept and the conflict is explained', async () => {
    const JOB = 'cli-clash-job';
    const staging = join(work, 'st-clash');
    await makeStaging(staging, JOB, [1 * MiB], { storageAccount: 'obcseedv2' });
    const [disk] = await makeDisks(join(work, 'clash-disks'), [4 * MiB], 'CLASH');
    const sub = env.sb.subscriptionId;
    const svc = await env.service({ dataDir });
    await svc.createJob({
      subscriptionId: sub,
      resourceGroup: 'backup-rg',
      jobName: JOB,
      location: 'westus',
      storageAccountId: `/subscriptions/${sub}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
      drives: [
        {
          driveId: 'SOMEONEELSE1',
          bitLockerKey: '238810-662376-448998-450120-652806-203390-606320-483076',
          manifestFile: '\\DriveManifest.xml',
          manifestHash: '109B21108597EF36D5785F08303F3638',
        },
      ],
      returnAddress: {
        contactName: 'Ada',
        phone: '+1 425 555 0100',
        email: 'ada@example.com',
        streetAddress1: '1 Main St',
        city: 'Redmond',
        stateOrProvince: 'WA',
        postalCode: '98052',
        countryOrRegion: 'USA',
      },
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' },
    });
    svc.close();
    const shipFile = join(work, 'ship-clash.json');
    await writeFile(shipFile, JSON.stringify(SHIPPING));
    // Without --job-type (seed.json records none, so Data Box): the Import/Export job of that name is found, not doubled.
    const dflt = await cli(['diskprep', `s:${staging}`, '--disk', disk, '--shipping', shipFile, '--json']);
    expect(dflt.code, dflt.err).toBe(1);
    expect(errorOf(dflt)?.message).toMatch(
      /An Import\/Export job named cli-clash-job already exists in resource group backup-rg \(state Creating\); these disks belong to it\. Choose the Import\/Export job type \(obc diskprep --job-type import-export\)/,
    );
    const r = await cli([
      'diskprep',
      `s:${staging}`,
      '--disk',
      disk,
      '--job-type',
      'import-export',
      '--shipping',
      shipFile,
      '--json',
    ]);
    expect(r.code, r.err).toBe(1);
    const e = errorOf(r)!;
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(
      /already exists in resource group backup-rg \(state Creating\) with drives SOMEONEELSE1, but the disks prepared now are CLASH1/,
    );
    expect(e.message).toMatch(
      /The disks are prepared and verified \(drive list: .*drives\.json\); run the same command again/,
    );
  });
  it('on a terminal: confirms the job, asks each shipping field (re-asking a bad one), and creates the job after a typed yes', async () => {
    const JOB = 'cli-tty-job';
    const staging = join(work, 'st-tty');
    await makeStaging(staging, JOB, [1 * MiB], { storageAccount: 'obcseedv2' });
    const [disk] = await makeDisks(join(work, 'tty-disks'), [4 * MiB], 'TTY');
    const r = await cliOnTerminal(
      ['diskprep', `s:${staging}`, '--disk', disk],
      [
        [/Prepare disks for it\? \[y\/N\]/, 'y'],
        [/Contact name.*: $/m, 'Grace Ops'],
        [/Phone.*: $/m, '+1 206 555 0199'],
        [/Email.*: $/m, 'not-an-email'],
        [/is not an email address[\s\S]*Email.*: $/m, 'grace@example.com'],
        [/Street address( \[.*\])?: $/m, '2 Harbor Way'],
        [/line 2.*: $/m, '-'],
        [/City.*: $/m, 'Seattle'],
        [/State or province.*: $/m, 'WA'],
        [/Postal code.*: $/m, '98101'],
        [/Country or region.*: $/m, 'USA'],
        [/Return carrier \(FedEx, DHL\).*: $/m, 'DHL'],
        [/Carrier account number.*: $/m, '987654321'],
        [/Type yes to create it: $/m, 'yes'],
      ],
    );
    expect(r.code, r.text).toBe(0);
    expect(r.text).toMatch(
      /Import job cli-tty-job: 1 disk\(s\) TTY1 → storage account obcseedv2, resource group backup-rg, region westus \(USA\)/,
    );
    expect(r.text).toMatch(/Created import job cli-tty-job \(state Creating\)/);
    // No --job-type and none in seed.json: a Data Box customer-disk job (decision 1).
    const svc = await env.service({ dataDir });
    const job = await svc.getJob({ subscriptionId: env.sb.subscriptionId, resourceGroup: 'backup-rg', jobName: JOB });
    svc.close();
    expect(job.backend).toBe('DataBox');
    expect(job.returnAddress).toMatchObject({
      recipientName: 'Grace Ops',
      email: 'grace@example.com',
      city: 'Seattle',
    });
    expect(job.returnShipping).toMatchObject({ carrierName: 'DHL' });
  });
  it('--job-type data-box: a Microsoft.DataBox customer-disk job (provider registered on the way); a long job name is refused before copying', async () => {
    const staging = join(work, 'st-dbx');
    await makeStaging(staging, 'dbx-cli-job', [1 * MiB], { storageAccount: 'obcseedv2' });
    await makeStaging(staging, 'dbx-name-far-too-long-for-data-box', [1 * MiB], { storageAccount: 'obcseedv2' });
    const [disk] = await makeDisks(join(work, 'dbx-disks'), [4 * MiB], 'DBX');
    const shipFile = join(work, 'ship-dbx.json');
    await writeFile(shipFile, JSON.stringify(SHIPPING));
    const long = await cli([
      'diskprep',
      `s:${staging}`,
      '--job',
      'dbx-name-far-too-long-for-data-box',
      '--disk',
      disk,
      '--job-type',
      'data-box',
      '--shipping',
      shipFile,
      '--json',
    ]);
    expect(long.code).toBe(2);
    expect(errorOf(long)?.message).toMatch(/cannot be a Data Box job: .*a Data Box job name is 3 to 24 characters/);
    await untouched(disk);
    expect((await cli(['diskprep', `s:${staging}`, '--disk', disk, '--job-type', 'pigeon'])).err).toMatch(
      /--job-type "pigeon" must be data-box or import-export/,
    );

    const r = await cli([
      'diskprep',
      `s:${staging}`,
      '--job',
      'dbx-cli-job',
      '--disk',
      disk,
      '--job-type',
      'data-box',
      '--shipping',
      shipFile,
      '--json',
    ]);
    expect(r.code, r.err + r.out).toBe(0);
    const made = r.lines.find((l) => l.type === 'job') as {
      created: boolean;
      job: { name: string; backend: string; drives: Array<{ driveId: string }> };
    };
    expect(made).toMatchObject({
      created: true,
      job: { name: 'dbx-cli-job', backend: 'DataBox', drives: [{ driveId: 'DBX1' }] },
    });
  });

  it('every request of these flows and every answer kept to the official swagger of its api-version', () => {
    const r = swaggerReview(env.exchanges);
    expect(r.unchecked).toEqual([]);
    expect(r.operations).toEqual(
      expect.arrayContaining([
        'Jobs_Create @ 2020-08-01',
        'Jobs_Create @ 2025-07-01',
        'Jobs_Get @ 2025-07-01',
        'StorageAccounts_ListKeys @ 2026-09-01',
      ]),
    );
    expect(r.problems).toEqual([]);
  });
});
