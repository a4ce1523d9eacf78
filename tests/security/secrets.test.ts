import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPrivateKey } from 'node:crypto';
import { mkdir, readdir, readFile, lstat, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { writeJsonAtomic } from '../../electron/services/store/atomic.ts';
import { SettingsStore } from '../../electron/services/settings/settings-store.ts';
import { startAzureTestEnv, type AzureTestEnv } from '../../electron/services/azure/test-azure-env.ts';
import { defaultProtector } from '../../electron/services/azure/azure-service.ts';
import { tokenCachePath } from '../../electron/services/azure/token-cache.ts';
import {
  credentialRecordPath,
  loadCredentialRecord,
  unprotectPrivateKey,
} from '../../electron/services/azure/entra-app.ts';
import { createJobFromDrives, driveList, passphraseProtector } from '../../electron/services/diskprep/drives-file.ts';
import { stateDirFor } from '../../electron/services/diskprep/session.ts';
import { findJob } from '../../electron/services/diskprep/jobs.ts';
import { mintToken } from '../../electron/services/sandbox/test-tokens.ts';
import { sbRequest } from '../../electron/services/sandbox/test-http.ts';
import { prng } from '../../electron/services/backup/test-trees.ts';
import { main } from '../../electron/cli/program.ts';
import WebSocket from 'ws';
import { createServices } from '../../electron/services/index.ts';
import { startBrowserHost } from '../../electron/server/server.ts';
import { samplePolicy } from '../../electron/services/policies/test-policies.ts';
import { tempDir } from '../../electron/services/test-temp.ts';

/**
 * Secrets never land in plain text: a realistic run with logging at its most verbose (settings logLevel 'debug',
 * every CLI command with --json) — sandbox sign-in through the Azure layer, the Entra application with this
 * machine's certificate, Back Up Now, Disk Prep onto folder disks, import job creation, tracking — then every file
 * under the data dir, staging, disks and the temp dir, and everything written to stdout/stderr, is searched for the
 * passphrase, the access and refresh tokens, the BitLocker keys, the storage account keys and the certificate's
 * private key (PEM and base64 DER). The setup reuses the Azure layer's test environment (electron/services/azure/test-azure-env.ts).
 */
const PASSPHRASE = 'Secrets-Scan passphrase 4711 !#%';
let env: AzureTestEnv;
let root: string;
let dataDir: string;
let tmp: string;
let savedTmp: string | undefined;
let out = '';
let err = '';

async function run(...argv: string[]): Promise<{ code: number; lines: Array<Record<string, unknown>> }> {
  let o = '';
  const w = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((o += String(chunk)), true));
  const e = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  process.exitCode = undefined;
  try {
    const code = await main(argv);
    out += o;
    return {
      code,
      lines: o
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l)),
    };
  } finally {
    w.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

/** Every regular file below `dir` (links not followed). */
async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p).catch(() => null);
    if (!st) return;
    if (st.isDirectory()) for (const n of await readdir(p)) await walk(join(p, n));
    else if (st.isFile()) found.push(p);
  };
  await walk(dir);
  return found;
}

beforeAll(async () => {
  root = await tempDir('obc-secrets-');
  dataDir = join(root, 'data');
  tmp = join(root, 'tmp');
  await mkdir(dataDir);
  await mkdir(tmp);
  // With Azurite: Disk Prep signs the manifests' container SAS through the sign-in, and that token is searched for too.
  env = await startAzureTestEnv();
  // Everything the app puts in the temp dir lands in our folder, so it is scanned too.
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  process.env.OBC_DATA_DIR = dataDir;
}, 120_000);
afterAll(async () => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  delete process.env.OBC_DATA_DIR;
  await env?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('secrets never appear in plain text', () => {
  it('after sign-in, Entra app, backup, disk prep, job creation and tracking at debug log level', async () => {
    const sb = env.sb;
    const sub = sb.subscriptionId;
    await writeJsonAtomic(join(dataDir, 'sandbox-cloud.json'), sb.cloud);
    const settings = new SettingsStore(dataDir);
    await settings.load();
    await settings.set({ cloud: 'LocalSandbox', logLevel: 'debug' });

    // Sign-in through the Azure layer (Playwright fills the sandbox login page), provider, Entra app + certificate.
    env.as.user = sb.users[0];
    const svc = await env.service({ dataDir, machineName: 'secrets-host' });
    await svc.signIn({ timeoutMs: 30_000 });
    await svc.registerProvider(sub, 'Microsoft.ImportExport');
    await svc.ensureEntraApp({ subscriptionId: sub, resourceGroup: 'backup-rg', accountName: 'obcseedv2' });
    expect((await run('account', '--json')).code).toBe(0);
    expect((await run('subscriptions', '--json')).code).toBe(0);

    // Back Up Now (CLI, --json).
    const src = join(root, 'src');
    await mkdir(join(src, 'docs'), { recursive: true });
    await writeFile(join(src, 'docs', 'a.bin'), prng(7)(3 << 20));
    await writeFile(join(src, 'docs', 'notes.txt'), 'quarterly numbers\n'.repeat(5000));
    const passFile = join(root, 'secret-input', 'pass.txt');
    await mkdir(join(root, 'secret-input'));
    await writeFile(passFile, PASSPHRASE + '\n', { mode: 0o600 });
    const stagingLocation = join(root, 'staging');
    const job = 'secrets-seed';
    const backup = await run(
      'backup',
      '--items',
      src,
      '--staging',
      stagingLocation,
      '--job',
      job,
      '--passphrase-file',
      passFile,
      '--storage-account',
      'obcseedv2',
      '--container',
      'seeds',
      '--subscription',
      sub,
      '--resource-group',
      'backup-rg',
      '--json',
    );
    expect(backup.code, JSON.stringify(backup.lines.at(-1))).toBe(0);

    // Disk Prep onto two small folder disks, drives.json sealed with the passphrase.
    const disks = [join(root, 'disks', 'd1'), join(root, 'disks', 'd2')];
    for (const [i, d] of disks.entries())
      expect((await run('disks', 'init', d, '--serial', `SECRETDISK${i}`, '--capacity', '6M', '--json')).code).toBe(0);
    const prep = await run(
      'diskprep',
      `s:${stagingLocation}`,
      '--no-job',
      '--job',
      job,
      ...disks.flatMap((d) => ['--disk', d]),
      '--passphrase-file',
      passFile,
      '--yes',
      '--json',
    );
    expect(prep.code, JSON.stringify(prep.lines.at(-1))).toBe(0);

    // Import job from drives.json through the Azure layer, then tracking from the CLI.
    const stateDir = stateDirFor(stagingLocation, job);
    const protector = await passphraseProtector(PASSPHRASE, (await findJob(stagingLocation, job)).seed);
    await createJobFromDrives(stateDir, protector, async (req) => {
      const j = await svc.createJob({
        subscriptionId: sub,
        resourceGroup: 'backup-rg',
        jobName: req.jobName,
        location: 'West US',
        storageAccountId: `/subscriptions/${sub}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
        drives: req.driveList,
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
      return { name: j.name };
    });
    expect(
      (await run('jobs', 'show', job, '--subscription', sub, '--resource-group', 'backup-rg', '--json')).code,
    ).toBe(0);
    expect(
      (
        await run(
          'jobs',
          'track',
          job,
          '--subscription',
          sub,
          '--resource-group',
          'backup-rg',
          '--carrier',
          'FedEx',
          '--tracking',
          '1Z999SECRET1',
          '--drives',
          '2',
          '--json',
        )
      ).code,
    ).toBe(0);
    expect((await run('jobs', 'list', '--subscription', sub, '--json')).code).toBe(0);
    svc.close();

    // ---- The secrets, in plain text, as the app holds them in memory. ----
    const secrets: Array<{ what: string; value: string }> = [{ what: 'passphrase', value: PASSPHRASE }];
    const cacheRaw = await readFile(tokenCachePath(dataDir, 'LocalSandbox'));
    const cache = JSON.parse((await defaultProtector(dataDir).unprotect(cacheRaw)).toString('utf8')) as Record<
      string,
      Record<string, { secret: string }>
    >;
    for (const [kind, entries] of Object.entries(cache))
      if (kind === 'AccessToken' || kind === 'RefreshToken' || kind === 'IdToken')
        for (const e of Object.values(entries)) secrets.push({ what: kind, value: e.secret });
    expect(secrets.filter((s) => s.what === 'AccessToken').length).toBeGreaterThan(0);
    expect(secrets.filter((s) => s.what === 'RefreshToken').length).toBeGreaterThan(0);
    const { driveList: drives } = await driveList(stateDir, protector);
    expect(drives.length).toBeGreaterThanOrEqual(1);
    for (const d of drives) secrets.push({ what: `BitLocker key of ${d.driveId}`, value: d.bitLockerKey });
    const rec = (await loadCredentialRecord(credentialRecordPath(dataDir, 'LocalSandbox', sb.users[0].objectId)))!;
    const pem = await unprotectPrivateKey(rec, defaultProtector(dataDir));
    const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' }) as Buffer;
    secrets.push({ what: 'certificate private key (PEM)', value: pem.trim() });
    // Any 64-character line of the PEM body, and the base64 DER in one line.
    const body = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
    secrets.push({ what: 'certificate private key (PEM line)', value: body[3] });
    secrets.push({ what: 'certificate private key (base64 DER)', value: der.toString('base64').slice(100, 200) });
    secrets.push({ what: 'certificate private key (hex DER)', value: der.toString('hex').slice(200, 400) });
    const token = await mintToken(sb, sb.users[0]);
    const keys = await sbRequest(
      `${sb.armUrl}/subscriptions/${sub}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2/listKeys?api-version=2025-08-01`,
      { method: 'POST', token, ca: sb.caCertPem },
    );
    for (const k of (keys.json as { keys: Array<{ value: string }> }).keys)
      secrets.push({ what: 'storage account key', value: k.value });
    // The manifests' container SAS (decision 14): signed through the CLI's sign-in; it may be in the manifests only.
    const manifestSas = /<ContainerSas>([^<]+)<\/ContainerSas>/
      .exec(await readFile(join(disks[0], 'DriveManifest.xml'), 'utf8'))![1]
      .replace(/&amp;/g, '&');
    expect(manifestSas).toMatch(/^seeds\?(?=.*\bsr=c\b)(?=.*\bsi=obc-secrets-seed\b)/);
    secrets.push({ what: 'container SAS', value: manifestSas });
    secrets.push({ what: 'container SAS (signature)', value: /sig=([^&]+)/.exec(manifestSas)![1] });
    secrets.push({
      what: 'container SAS (signature, decoded)',
      value: decodeURIComponent(/sig=([^&]+)/.exec(manifestSas)![1]),
    });
    // Encodings a careless logger would produce.
    for (const s of [...secrets]) {
      secrets.push({ what: `${s.what} (JSON-escaped)`, value: JSON.stringify(s.value).slice(1, -1) });
      secrets.push({ what: `${s.what} (base64)`, value: Buffer.from(s.value).toString('base64').slice(0, 40) });
    }

    // ---- Scan. ----
    // obc-disk.json on a folder disk stands in for BitLocker's own metadata on a real volume (see shared/disks.ts);
    // the test's own passphrase input file is the user's, not the app's.
    const exempt = (f: string) => f === passFile || (f.startsWith(join(root, 'disks')) && f.endsWith('obc-disk.json'));
    const files = (await Promise.all([dataDir, stagingLocation, join(root, 'disks'), tmp].map(filesUnder)))
      .flat()
      .filter((f) => !exempt(f));
    expect(files.length).toBeGreaterThan(10);
    const leaks: string[] = [];
    for (const f of files) {
      const bytes = await readFile(f);
      const latin = bytes.toString('latin1');
      // The one place the container SAS belongs: the manifest on each (here: folder) disk.
      const manifest = f.startsWith(join(root, 'disks')) && f.endsWith('DriveManifest.xml');
      for (const s of secrets)
        if (s.value.length >= 8 && latin.includes(s.value) && !(manifest && s.what.startsWith('container SAS')))
          leaks.push(`${s.what} in ${relative(root, f)}`);
    }
    for (const [name, text] of [
      ['stdout', out],
      ['stderr', err],
    ] as const)
      for (const s of secrets) if (s.value.length >= 8 && text.includes(s.value)) leaks.push(`${s.what} on ${name}`);
    expect(leaks).toEqual([]);
    // Control: the same scan does find a planted secret (so an empty list means something).
    const refresh = secrets.find((x) => x.what === 'RefreshToken')!.value;
    await writeFile(join(tmp, 'control.log'), `debug: refresh=${refresh}\n`);
    expect((await readFile(join(tmp, 'control.log'))).toString('latin1').includes(refresh)).toBe(true);
    console.info(
      `secrets scan: ${files.length} files, ${out.length + err.length} bytes of output, ${secrets.length} secret forms, no leak`,
    );
    // The flow really produced output worth scanning.
    expect(out.length).toBeGreaterThan(1000);
  }, 240_000);

  it('browser mode: policy passphrase, passphrase change and proxy password sent over the WebSocket at debug level', async () => {
    const data = join(root, 'browser-data');
    const stagingLocation = join(root, 'browser-staging');
    await mkdir(stagingLocation, { recursive: true });
    const services = await createServices({ dataDir: data, testHooks: false });
    const staticRoot = join(root, 'static');
    await mkdir(staticRoot, { recursive: true });
    await writeFile(join(staticRoot, 'index.html'), '<!doctype html><title>t</title>');
    const host = await startBrowserHost({ services, staticRoot, port: 0 });
    const first = 'browser first passphrase 0001';
    const second = 'browser second passphrase 0002';
    const proxyPassword = 'Proxy-Pa55word-Secret!';
    let wire = '';
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${encodeURIComponent(host.token)}`, {
        origin: `http://127.0.0.1:${host.port}`,
      });
      await new Promise((ok, fail) => {
        ws.once('open', ok);
        ws.once('error', fail);
      });
      ws.on('message', (d) => (wire += d.toString()));
      let id = 0;
      const call = (channel: string, payload: unknown) =>
        new Promise<{ ok: boolean; error?: { message: string } }>((resolve) => {
          const mine = ++id;
          const onMsg = (d: WebSocket.RawData) => {
            const m = JSON.parse(d.toString());
            if (m.t !== 'result' || m.id !== mine) return;
            ws.off('message', onMsg);
            resolve(m.result);
          };
          ws.on('message', onMsg);
          ws.send(JSON.stringify({ t: 'invoke', id: mine, channel, payload }));
        });
      expect(await call('settings:set', { logLevel: 'debug' })).toMatchObject({ ok: true });
      expect(await call('policy:save', { policy: samplePolicy({}, stagingLocation), passphrase: first })).toMatchObject(
        { ok: true },
      );
      // A wrong current passphrase is refused without echoing either value.
      const wrong = await call('properties:changePassphrase', { current: 'not the passphrase 0000', next: second });
      expect(wrong.ok).toBe(false);
      expect(await call('properties:changePassphrase', { current: first, next: second })).toMatchObject({ ok: true });
      const proxy = {
        mode: 'manual',
        host: 'proxy.example',
        port: 3128,
        username: 'svc-backup',
        password: proxyPassword,
      };
      expect(await call('properties:set', { proxy })).toMatchObject({ ok: true });
      expect(await call('properties:get', {})).toMatchObject({ ok: true });
      expect(await call('policy:get', {})).toMatchObject({ ok: true });
      ws.close();
    } finally {
      await host.close();
      await services.close();
    }
    const files = (await Promise.all([data, stagingLocation, tmp].map(filesUnder))).flat();
    expect(files.length).toBeGreaterThan(2);
    const leaks: string[] = [];
    const secrets = [first, second, proxyPassword, 'not the passphrase 0000'];
    for (const f of files) {
      const text = (await readFile(f)).toString('latin1');
      for (const v of secrets)
        if (text.includes(v) || text.includes(Buffer.from(v).toString('base64')))
          leaks.push(`${v.slice(0, 8)}… in ${relative(root, f)}`);
    }
    // Nothing the server sent back (results and events) carries them either.
    for (const v of secrets) if (wire.includes(v)) leaks.push(`${v.slice(0, 8)}… in a WebSocket message`);
    expect(leaks).toEqual([]);
  }, 60_000);
});
