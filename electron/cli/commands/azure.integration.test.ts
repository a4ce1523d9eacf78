import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeJsonAtomic } from '../../services/store/atomic.ts';
import { SettingsStore } from '../../services/settings/settings-store.ts';
import { startAzureTestEnv, type AzureTestEnv } from '../../services/azure/test-azure-env.ts';
import { swaggerReview } from '../../services/sandbox/test-swagger.ts';
import { main } from '../program.ts';
import { tempDir } from '../../services/test-temp.ts';

/**
 * `obc subscriptions | storage-accounts | jobs …` against the sandbox. The interactive step is done once through the
 * service (Playwright fills the login page); the CLI then works from the same encrypted cache, as after `obc signin`.
 */
let env: AzureTestEnv;
let dataDir: string;
let sub: string;

async function run(...argv: string[]): Promise<{ code: number; out: string; lines: Array<Record<string, unknown>> }> {
  let out = '';
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.exitCode = undefined;
  try {
    const code = await main(argv);
    return {
      code,
      out,
      lines: out
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

beforeAll(async () => {
  env = await startAzureTestEnv({ azurite: false });
  sub = env.sb.subscriptionId;
  dataDir = await tempDir('obc-azure-cli-');
  await writeJsonAtomic(join(dataDir, 'sandbox-cloud.json'), env.sb.cloud);
  const settings = new SettingsStore(dataDir);
  await settings.load();
  await settings.set({ cloud: 'LocalSandbox' });
  env.as.user = env.sb.users[0];
  const svc = await env.service({ dataDir });
  await svc.signIn({ timeoutMs: 30_000 });
  await svc.registerProvider(sub, 'Microsoft.ImportExport');
  svc.close();
  process.env.OBC_DATA_DIR = dataDir;
});
afterAll(async () => {
  delete process.env.OBC_DATA_DIR;
  await env?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('obc azure commands', () => {
  it('account, clouds, subscriptions and storage-accounts', async () => {
    const acct = await run('account', '--json');
    expect(acct.code).toBe(0);
    expect(acct.lines[0]).toMatchObject({
      type: 'result',
      result: { signedIn: true, account: { username: env.sb.users[0].username } },
    });
    const clouds = await run('clouds');
    expect(clouds.out).toMatch(/\* LocalSandbox/);
    const subs = await run('subscriptions', '--json');
    expect(subs.lines[0].result).toEqual(expect.arrayContaining([expect.objectContaining({ subscriptionId: sub })]));
    const accts = await run('storage-accounts', '--subscription', sub);
    expect(accts.code).toBe(0);
    expect(accts.out).toMatch(/obcblobonly\s+BlobStorage.*NOT USABLE/);
    expect(accts.out).toMatch(/obcseedv2\s+StorageV2/);
    expect((await run('storage-accounts', '--subscription', 'nope')).code).toBe(2);
  });

  it('jobs list, show, track and cancel', async () => {
    const svc = await env.service({ dataDir });
    await svc.createJob({
      subscriptionId: sub,
      resourceGroup: 'backup-rg',
      jobName: 'seed-cli',
      location: 'West US',
      storageAccountId: `/subscriptions/${sub}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
      drives: [
        {
          driveId: 'WDCLI1',
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
    const list = await run('jobs', 'list', '--subscription', sub);
    expect(list.out).toMatch(/seed-cli\s+Creating/);
    const show = await run(
      'jobs',
      'show',
      'seed-cli',
      '--subscription',
      sub,
      '--resource-group',
      'backup-rg',
      '--json',
    );
    expect(show.lines[0]).toMatchObject({ result: { name: 'seed-cli', drives: [{ driveId: 'WDCLI1' }] } });
    const track = await run(
      'jobs',
      'track',
      'seed-cli',
      '--subscription',
      sub,
      '--resource-group',
      'backup-rg',
      '--carrier',
      'FedEx',
      '--tracking',
      '1Z 999 AA1',
      '--drives',
      '1',
    );
    expect(track.code).toBe(0);
    expect(track.out).toMatch(/seed-cli\s+Shipping/);
    expect(track.out).toMatch(/1Z999AA1/);
    const cancel = await run(
      'jobs',
      'cancel',
      'seed-cli',
      '--subscription',
      sub,
      '--resource-group',
      'backup-rg',
      '--json',
    );
    expect(cancel.code).toBe(0);
    expect(cancel.lines[0]).toMatchObject({ result: { name: 'seed-cli', state: 'Completed', cancelRequested: true } });
    const again = await run(
      'jobs',
      'cancel',
      'seed-cli',
      '--subscription',
      sub,
      '--resource-group',
      'backup-rg',
      '--json',
    );
    expect(again.code).toBe(1);
    expect(again.lines[0]).toMatchObject({ type: 'error', error: { code: 'CONFLICT' } });
  });

  it('signout deletes the saved sign-in', async () => {
    expect((await run('signout')).code).toBe(0);
    const subs = await run('subscriptions', '--json');
    expect(subs.code).toBe(1);
    expect(subs.lines[0]).toMatchObject({ type: 'error', error: { code: 'SIGNIN_REQUIRED' } });
  });

  it('every request of these flows and every answer kept to the official swagger of its api-version', () => {
    const r = swaggerReview(env.exchanges);
    expect(r.unchecked).toEqual([]);
    expect(r.operations).toEqual(
      expect.arrayContaining([
        'Jobs_Create @ 2020-08-01',
        'Jobs_Get @ 2020-08-01',
        'StorageAccounts_List @ 2026-09-01',
      ]),
    );
    expect(r.problems).toEqual([]);
  });
});
