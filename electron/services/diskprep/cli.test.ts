import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../paths.ts';
import { MiB, TEST_PASSPHRASE, makeStaging, tempDir } from './test-helpers.ts';

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
      resolve({ code, err, lines: out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>) }),
    );
  });
}

describe('obc diskprep / obc disks', () => {
  it('disks init, p: explained as obsolete, exit 4 with the numbers, then continues with one more --disk', async () => {
    const root = await tempDir();
    const staging = join(root, 'staging');
    await makeStaging(staging, 'cli-job', [5 * MiB, 5 * MiB]);
    const init = await cli(['disks', 'init', join(root, 'd1'), '--serial', 'CLI1', '--capacity', '8M', '--json']);
    expect(init.code).toBe(0);
    expect(JSON.parse(await readFile(join(root, 'd1', 'obc-disk.json'), 'utf8'))).toMatchObject({ serial: 'CLI1', capacityBytes: 8 * MiB });
    expect((await cli(['disks', 'init', join(root, 'd2'), '--serial', 'CLI2', '--capacity', 'huge'])).code).toBe(2);

    const short = await cli(['diskprep', `s:${staging}`, 'p:C:\\old\\account.publishsettings', '--disk', join(root, 'd1'), '--no-job', '--json']);
    expect(short.code, short.err).toBe(4);
    expect(short.lines.find((l) => l.type === 'notice' && String(l.message).includes('obsolete'))).toBeDefined();
    const needs = short.lines.find((l) => l.type === 'needsDisk')!;
    expect(needs).toMatchObject({ remainingFiles: 1, remainingBytes: 5 * MiB });
    expect(Number(needs.neededBytes)).toBeGreaterThan(6 * MiB);

    expect((await cli(['disks', 'init', join(root, 'd2'), '--serial', 'CLI2', '--capacity', '7M'])).code).toBe(0);
    const done = await cli(['diskprep', `s:${staging}`, '--disk', join(root, 'd1'), '--disk', join(root, 'd2'), '--no-job', '--json']);
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
    expect(() => parseBitLockerKeys([`G=${key}`], ['E'])).toThrow(/names disk G, which is not among the --disk values \(E\)/);
    expect(() => parseBitLockerKeys(['E=1234'], ['E'])).toThrow(/48-digit recovery password/);
    expect(() => parseBitLockerKeys([`E=${key.replace('662376', '662377')}`], ['E'])).toThrow(/group 2 is not part of a valid BitLocker recovery password/);
    expect(() => parseBitLockerKeys([`E=${key}`, `E=${key}`], ['E'])).toThrow(/given twice for disk E/);
  });

  it('a folder disk keeps the given key, and drives.json holds it for the job', async () => {
    const root = await tempDir();
    const staging = join(root, 'staging');
    await makeStaging(staging, 'key-job', [1 * MiB]);
    expect((await cli(['disks', 'init', join(root, 'k1'), '--serial', 'KEY1', '--capacity', '4M'])).code).toBe(0);
    const key = '238810-662376-448998-450120-652806-203390-606320-483076';
    const r = await cli(['diskprep', `s:${staging}`, '--disk', join(root, 'k1'), '--bitlocker-key', `${join(root, 'k1')}=${key}`, '--no-job', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(await readFile(join(root, 'k1', 'obc-disk.json'), 'utf8'))).toMatchObject({ serial: 'KEY1', bitLockerKey: key });
    const bad = await cli(['diskprep', `s:${staging}`, '--disk', join(root, 'k1'), '--bitlocker-key', `${join(root, 'k1')}=${key.replace('606320', '606321')}`, '--no-job', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.lines.find((l) => l.type === 'error')).toMatchObject({ error: { code: 'VALIDATION', message: expect.stringMatching(/group 7 is not part/) } });
  });
});
