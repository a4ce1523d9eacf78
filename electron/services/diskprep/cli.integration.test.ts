import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { CONTAINER_NAME_RULE } from '../../../shared/validators/azure-names.ts';
import { join } from 'node:path';
import { repoRoot } from '../paths.ts';
import { MiB, TEST_PASSPHRASE, makeStaging, tempDir, testCredential, writeSasFile } from './test-staging.ts';

const CLI = join(repoRoot, 'electron', 'cli', 'index.ts');

function cli(args: string[]): Promise<{ code: number | null; lines: Array<Record<string, unknown>>; err: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, OBC_PASSPHRASE: TEST_PASSPHRASE } as Record<string, string>;
    delete env.OBC_DISKPREP_HALT_AT;
    const child = spawn(process.execPath, [CLI, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        err,
        lines: out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      }),
    );
  });
}

describe('obc diskprep / obc disks', () => {
  it('disks init, p: explained as obsolete, exit 4 with the numbers, then continues with one more --disk', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, 'cli-job', [5 * MiB, 5 * MiB]);
    const init = await cli(['disks', 'init', join(root, 'd1'), '--serial', 'CLI1', '--capacity', '8M', '--json']);
    expect(init.code).toBe(0);
    expect(JSON.parse(await readFile(join(root, 'd1', 'obc-disk.json'), 'utf8'))).toMatchObject({
      serial: 'CLI1',
      capacityBytes: 8 * MiB,
    });
    expect((await cli(['disks', 'init', join(root, 'd2'), '--serial', 'CLI2', '--capacity', 'huge'])).code).toBe(2);

    const sas = await writeSasFile(root, testCredential, 'cli-job');
    const short = await cli([
      'diskprep',
      `s:${stagingLocation}`,
      'p:C:\\old\\account.publishsettings',
      '--disk',
      join(root, 'd1'),
      '--no-job',
      '--container-sas',
      sas,
      '--json',
    ]);
    expect(short.code, short.err).toBe(4);
    expect(short.lines.find((l) => l.type === 'notice' && String(l.message).includes('obsolete'))).toBeDefined();
    const needs = short.lines.find((l) => l.type === 'needsDisk')!;
    expect(needs).toMatchObject({ remainingFiles: 1, remainingBytes: 5 * MiB });
    expect(Number(needs.neededBytes)).toBeGreaterThan(6 * MiB);

    expect((await cli(['disks', 'init', join(root, 'd2'), '--serial', 'CLI2', '--capacity', '7M'])).code).toBe(0);
    const done = await cli([
      'diskprep',
      `s:${stagingLocation}`,
      '--disk',
      join(root, 'd1'),
      '--disk',
      join(root, 'd2'),
      '--no-job',
      '--container-sas',
      sas,
      '--json',
    ]);
    expect(done.code, done.err).toBe(0);
    const result = done.lines.find((l) => l.type === 'result') as { result: { drives: Array<{ driveId: string }> } };
    expect(result.result.drives.map((d) => d.driveId)).toEqual(['CLI2']);

    expect((await cli(['diskprep', '--disk', join(root, 'd1')])).code).toBe(2);
  });
});

describe('--bitlocker-key (a disk that is already encrypted)', () => {
  it('takes <disk>=<recovery password> for a given disk and names every mistake', async () => {
    const { parseBitLockerKeys } = await import('../../cli/commands/diskprep.ts');
    const key = '238810-662376-448998-450120-652806-203390-606320-483076';
    expect(parseBitLockerKeys([`E=${key}`], ['E', 'F'])).toEqual(new Map([['E', key]]));
    expect(() => parseBitLockerKeys([key], ['E'])).toThrow(/must be <disk>=<48-digit recovery password>/);
    expect(() => parseBitLockerKeys([`G=${key}`], ['E'])).toThrow(
      /names disk G, which is not among the --disk values \(E\)/,
    );
    expect(() => parseBitLockerKeys(['E=1234'], ['E'])).toThrow(/48-digit recovery password/);
    expect(() => parseBitLockerKeys([`E=${key.replace('662376', '662377')}`], ['E'])).toThrow(
      /group 2 is not part of a valid BitLocker recovery password/,
    );
    expect(() => parseBitLockerKeys([`E=${key}`, `E=${key}`], ['E'])).toThrow(/given twice for disk E/);
  });

  it('a folder disk keeps the given key, and drives.json holds it for the job', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, 'key-job', [1 * MiB]);
    expect((await cli(['disks', 'init', join(root, 'k1'), '--serial', 'KEY1', '--capacity', '4M'])).code).toBe(0);
    const key = '238810-662376-448998-450120-652806-203390-606320-483076';
    const sas = await writeSasFile(root, testCredential, 'key-job');
    const r = await cli([
      'diskprep',
      `s:${stagingLocation}`,
      '--disk',
      join(root, 'k1'),
      '--bitlocker-key',
      `${join(root, 'k1')}=${key}`,
      '--no-job',
      '--container-sas',
      sas,
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(await readFile(join(root, 'k1', 'obc-disk.json'), 'utf8'))).toMatchObject({
      serial: 'KEY1',
      bitLockerKey: key,
    });
    const bad = await cli([
      'diskprep',
      `s:${stagingLocation}`,
      '--disk',
      join(root, 'k1'),
      '--bitlocker-key',
      `${join(root, 'k1')}=${key.replace('606320', '606321')}`,
      '--no-job',
      '--container-sas',
      sas,
      '--json',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.lines.find((l) => l.type === 'error')).toMatchObject({
      error: { code: 'VALIDATION', message: expect.stringMatching(/group 7 is not part/) },
    });
  });
});

describe('checked before anything is written', () => {
  it('--container Bad_Container, a--b and x: exit 2 with the rule, no state folder, the disk untouched', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, 'name-job', [1 * MiB]);
    expect((await cli(['disks', 'init', join(root, 'n1'), '--serial', 'NAME1', '--capacity', '4M'])).code).toBe(0);
    const sas = await writeSasFile(root, testCredential, 'name-job');
    for (const bad of ['Bad_Container', 'a--b', 'x']) {
      const r = await cli([
        'diskprep',
        `s:${stagingLocation}`,
        '--disk',
        join(root, 'n1'),
        '--container',
        bad,
        '--no-job',
        '--container-sas',
        sas,
        '--json',
      ]);
      expect(r.code, bad).toBe(2);
      expect(
        r.lines.find((l) => l.type === 'error'),
        bad,
      ).toMatchObject({ error: { code: 'VALIDATION', message: expect.stringContaining(CONTAINER_NAME_RULE) } });
    }
    expect(await readdir(stagingLocation)).toEqual(['name-job']);
    expect(await readdir(join(root, 'n1'))).toEqual(['obc-disk.json']);
  });

  it('--container-sas for another container, or expired: exit 2 naming the problem, nothing written', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, 'sas-job', [1 * MiB]);
    expect((await cli(['disks', 'init', join(root, 's1'), '--serial', 'SAS1', '--capacity', '4M'])).code).toBe(0);
    const other = await writeSasFile(root, testCredential, 'sas-job', 'other');
    const expired = join(root, 'expired.txt');
    await writeFile(expired, 'seed?sv=2025-05-05&sr=c&sp=rwd&se=2020-01-01T00%3A00%3A00Z&sig=abc\n');
    for (const [file, why] of [
      [other, /for container "other", but this job's blobs go to container "seed"/],
      [expired, /expired at 2020-01-01/],
    ] as const) {
      const r = await cli([
        'diskprep',
        `s:${stagingLocation}`,
        '--disk',
        join(root, 's1'),
        '--no-job',
        '--container-sas',
        file,
        '--json',
      ]);
      expect(r.code).toBe(2);
      expect(String((r.lines.find((l) => l.type === 'error') as { error: { message: string } }).error.message)).toMatch(
        why,
      );
      // The token itself is never echoed.
      expect(r.err + JSON.stringify(r.lines)).not.toContain('sig=');
    }
    expect(await readdir(stagingLocation)).toEqual(['sas-job']);
    expect(await readdir(join(root, 's1'))).toEqual(['obc-disk.json']);
  });
});
