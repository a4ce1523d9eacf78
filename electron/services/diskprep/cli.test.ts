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
