import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultRetention } from '../../../shared/retention-rules.ts';
import { FileKeyProtector } from '../../services/azure/protector.ts';
import { PolicyService } from '../../services/policies/index.ts';
import { samplePolicy } from '../../services/policies/test-policies.ts';
import { TaskManager } from '../../services/tasks/task-manager.ts';
import { tempDir } from '../../services/test-temp.ts';

const cli = resolve(import.meta.dirname, '..', 'index.ts');
const run = (dataDir: string, args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((ok) =>
    execFile(
      process.execPath,
      [cli, 'policy', ...args],
      { env: { ...process.env, OBC_DATA_DIR: dataDir } },
      (err, stdout, stderr) => ok({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

describe('obc policy', () => {
  it('shows, pauses, resumes, refuses a delete without DELETE and checks staging', async () => {
    const dataDir = await tempDir('obc-polcli-');
    expect((await run(dataDir, ['show'])).stdout).toBe('No backup policy is set up on this machine.\n');
    const svc = new PolicyService({
      dataDir,
      protector: new FileKeyProtector(join(dataDir, 'policy-secrets.key')),
      tasks: new TaskManager(),
    });
    await svc.store.load();
    await svc.save(samplePolicy({}, dataDir), 'a passphrase of 24 chars');
    const shown = await run(dataDir, ['show']);
    expect(shown.stdout).toMatch(
      /^State: active\nItems: \/srv\/data\nExcluded everywhere: \*\.tmp\nSchedule: daily at 21:00 \(UTC\)\nRetention: Daily: every backup, kept 30 days\nInitial backup: ownDisks → staging .*, job seed-2026\nContainer access: the Entra application with this machine's certificate\nNext: /,
    );
    expect(shown.stdout).toMatch(/\nRuns in: no console or agent is running on this data folder/);
    await svc.load(); // this process now holds the data dir's scheduler lease, as a running console would
    expect((await run(dataDir, ['show'])).stdout).toContain(
      `\nRuns in: browser mode on ${hostname()} (pid ${process.pid})\n`,
    );
    svc.close();
    expect((await run(dataDir, ['pause'])).stdout).toBe('Policy is now paused.\n');
    const json = JSON.parse((await run(dataDir, ['show', '--json'])).stdout);
    expect(json.result).toMatchObject({ policy: { state: 'paused' }, nextRuns: [], passphraseSet: true });
    expect((await run(dataDir, ['resume'])).stdout).toBe('Policy is now active.\n');
    const del = await run(dataDir, ['delete', '--confirm', 'delete']);
    expect(del).toMatchObject({
      code: 2,
      stderr: 'error: Type --confirm DELETE (in capitals) to delete the backup schedule.\n',
    });
    const bad = await run(dataDir, ['check-staging', join(dataDir, 'missing')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/does not exist/);
    expect((await run(dataDir, ['check-staging', dataDir])).stdout).toMatch(/is writable and has/);
    expect((await run(dataDir, ['delete', '--confirm', 'DELETE'])).stdout).toMatch(/^The backup schedule was deleted/);
  });
});

describe('obc policy set --file / show --json (policy as data)', () => {
  it('round-trips a policy to another machine, checked like the wizard; every bad field is named and nothing is written', async () => {
    const a = await tempDir('obc-polset-a-');
    const b = await tempDir('obc-polset-b-');
    const pass = join(a, 'pass.txt');
    await writeFile(pass, 'a passphrase of 24 chars\n', { mode: 0o600 }); // the owner's alone, or obc warns
    const staging = await tempDir('obc-polset-stage-');
    const r = defaultRetention({ frequency: 'daily', days: [], times: ['21:00'] });
    r.weekly = { ...r.weekly, enabled: true, days: ['saturday'] };
    r.monthly = { ...r.monthly, enabled: true, by: 'day', daysOfMonth: [1, 'last'] };
    const original = samplePolicy(
      {
        retention: r,
        exclusions: {
          folders: [{ path: '/srv/data/cache', subfolders: false }],
          patterns: ['*.tmp'],
          fileTypes: [{ folder: '/srv/data/music', pattern: '*.mp3', subfolders: true }],
        },
      },
      staging,
    );
    const file = join(a, 'policy.json');
    await writeFile(file, JSON.stringify({ policy: original }));
    const set = await run(a, ['set', '--file', file, '--passphrase-file', pass]);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toMatch(/^Policy saved \(active\)\.\nNext: /);
    const shownA = await run(a, ['show']);
    expect(shownA.stdout).toContain('Excluded: *.mp3 in /srv/data/music and its subfolders\n');
    expect(shownA.stdout).toContain('Excluded: /srv/data/cache (files directly in it)\n');
    expect(shownA.stdout).toContain('Retention: Monthly: day 1 and the last day at 21:00, kept 12 months\n');
    // Server A's `show --json` is server B's input.
    const exported = join(b, 'from-a.json');
    await writeFile(exported, (await run(a, ['show', '--json'])).stdout);
    const setB = await run(b, ['set', '--file', exported, '--passphrase-file', pass, '--json']);
    expect(setB.code).toBe(0);
    expect(JSON.parse(setB.stdout).result.notes).toEqual([
      `Not taken from ${exported} (they belong to the machine that saved it): id, createdAt, updatedAt, state, lastRuns.`,
    ]);
    const onB = JSON.parse((await run(b, ['show', '--json'])).stdout).result.policy;
    const pick = (p: Record<string, unknown>) => ({
      items: p.items,
      exclusions: p.exclusions,
      schedule: p.schedule,
      retention: p.retention,
      initialBackup: p.initialBackup,
    });
    expect(pick(onB)).toEqual(pick(original as unknown as Record<string, unknown>));

    // Bad fields: each one named with the wizard's words; the policy on B is unchanged.
    const before = await readFile(join(b, 'policies.json'), 'utf8');
    const bad = structuredClone(original) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    bad.schedule.times = ['21:15'];
    bad.retention.weekly.days = [];
    bad.retention.yearly = { ...bad.retention.yearly, enabled: true, count: 100 };
    bad.exclusions.fileTypes[0].pattern = 'music/*.mp3';
    bad.color = 'blue';
    await writeFile(join(b, 'bad.json'), JSON.stringify(bad));
    const refused = await run(b, ['set', '--file', join(b, 'bad.json')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')).toEqual([
      `error: ${join(b, 'bad.json')} is not a valid backup policy:`,
      '  schedule.times: Time 21:15 is not on a 30-minute boundary; use 21:00 or 21:30.',
      '  (the policy): Unrecognized key: "color"',
      '  exclusions.fileTypes.0: File type pattern "music/*.mp3" may not contain "\\" or "/"; add a folder rule to exclude a folder.',
      '  retention.yearly: Yearly retention must be 1 to 99 years (got 100).',
      '  retention.weekly.days: Weekly retention: choose at least one day of the week.',
      '',
    ]);
    expect(await readFile(join(b, 'policies.json'), 'utf8')).toBe(before);
    await writeFile(join(b, 'notjson.json'), '{ items: ');
    expect((await run(b, ['set', '--file', join(b, 'notjson.json')])).stderr).toMatch(
      /notjson\.json is not valid JSON: /,
    );
    expect((await run(b, ['set', '--file', join(b, 'missing.json')])).stderr).toMatch(
      /^error: Cannot read the policy file .*missing\.json: ENOENT/,
    );
    // A machine without a passphrase needs one; a different one is refused.
    const c = await tempDir('obc-polset-c-');
    expect((await run(c, ['set', '--file', exported])).stderr).toBe(
      'error: This machine has no encryption passphrase yet: give it with --passphrase-file (16–256 printable ASCII characters).\n',
    );
    await writeFile(join(c, 'other.txt'), 'another passphrase, also long');
    expect((await run(b, ['set', '--file', exported, '--passphrase-file', join(c, 'other.txt')])).stderr).toMatch(
      /already has a different encryption passphrase/,
    );
    // The staging location is checked on this machine, as the wizard does.
    const elsewhere = structuredClone(original);
    elsewhere.initialBackup.ownDisk!.stagingLocation = join(c, 'no-such-folder');
    await writeFile(join(c, 'elsewhere.json'), JSON.stringify(elsewhere));
    expect((await run(b, ['set', '--file', join(c, 'elsewhere.json')])).stderr).toMatch(
      /initialBackup\.ownDisk\.stagingLocation: .*does not exist/,
    );
  }, 60_000);
});

describe('obc policy container-access', () => {
  it('stores a container SAS URL sealed from a file, shows what it is for, refuses a wrong one, and goes back', async () => {
    const dataDir = await tempDir('obc-polsas-');
    const none = await run(dataDir, ['container-access', '--entra-app']);
    expect(none).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: No backup policy is set up on this machine/),
    });
    const svc = new PolicyService({
      dataDir,
      protector: new FileKeyProtector(join(dataDir, 'policy-secrets.key')),
      tasks: new TaskManager(),
    });
    await svc.store.load();
    await svc.save(samplePolicy({}, dataDir), 'a passphrase of 24 chars');
    svc.close();
    const sig = 'dGhpcyBpcyB0aGUgc2lnbmF0dXJlIDEyMzQ1Ng';
    const url = (sp = 'rwdl') =>
      `https://seedacct01.blob.core.windows.net/seed-data?sv=2025-11-05&sr=c&sp=${sp}&se=2099-01-01T00%3A00%3A00Z&sig=${sig}`;
    const file = join(dataDir, 'sas.txt');
    await writeFile(file, url() + '\n', { mode: 0o644 });
    const set = await run(dataDir, ['container-access', '--container-url-file', file]);
    expect(set.code).toBe(0);
    expect(set.stdout).toBe(
      'Container access: a container SAS for seedacct01/seed-data (rwdl), valid until 2099-01-01T00:00:00.000Z, set ' +
        set.stdout.split(', set ')[1],
    );
    expect(set.stderr).toMatch(/can be read by other users \(mode 0644\).*chmod 600/);
    const all = [
      set.stdout,
      set.stderr,
      (await run(dataDir, ['show'])).stdout,
      (await run(dataDir, ['show', '--json'])).stdout,
      await readFile(join(dataDir, 'policies.json'), 'utf8'),
    ].join('\n');
    expect(all).not.toContain(sig);
    expect((await run(dataDir, ['show'])).stdout).toContain(
      '\nContainer access: a container SAS for seedacct01/seed-data (rwdl)',
    );
    const narrow = await run(dataDir, ['container-access', '--container-url', url('rl')]);
    expect(narrow).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/allows "rl" only; online backups need write \(w\), delete \(d\) too/),
    });
    const two = await run(dataDir, ['container-access', '--entra-app', '--container-url', url()]);
    expect(two.stderr).toBe('error: Give one of --container-url, --container-url-file or --entra-app.\n');
    expect(JSON.parse((await run(dataDir, ['container-access', '--json'])).stdout).result).toMatchObject({
      mode: 'sas',
      sas: { account: 'seedacct01' },
    });
    expect((await run(dataDir, ['container-access', '--entra-app'])).stdout).toBe(
      "Container access: the Entra application with this machine's certificate\n",
    );
  }, 60_000);
});
