import { SEED_RANGES_FILE } from '../../../shared/seed-ranges.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { watch } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffTrees, PASS, prng, tempDir } from './test-trees.ts';
import { readSeed } from './job-files.ts';
import { catalogPathOf } from './scan.ts';

const CLI = fileURLToPath(new URL('../../cli/index.ts', import.meta.url));

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-crash-')));
afterEach(async () => cleanup());

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `killWhen` sees each JSON line and may ask for a SIGKILL from outside. */
function cli(
  args: string[],
  env: Record<string, string> = {},
  killWhen?: (line: Record<string, unknown>) => boolean,
  onChild?: (c: ReturnType<typeof spawn>) => void,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onChild?.(child);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: child.stdout }).on('line', (l) => {
      stdout += l + '\n';
      if (killWhen && l.startsWith('{') && killWhen(JSON.parse(l))) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('Back Up Now survives kill -9 (CLI child process)', () => {
  it('resumes after kills at several points and restores identical bytes', { timeout: 180_000 }, async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, 'docs'), { recursive: true });
    const rnd = prng(11);
    for (let i = 0; i < 12; i++) await writeFile(join(src, `blob-${i}.bin`), rnd(2 << 20));
    for (let i = 0; i < 50; i++) await writeFile(join(src, 'docs', `note-${i}.txt`), `note ${i}\n`.repeat(1000 + i));
    await writeFile(join(src, 'docs', 'empty.txt'), '');
    const pf = join(dir, 'pass.txt');
    await writeFile(pf, PASS + '\n');
    const stagingLocation = join(dir, 'staging');
    const args = [
      'backup',
      '--items',
      src,
      '--staging',
      stagingLocation,
      '--job',
      'crash-job',
      '--passphrase-file',
      pf,
      '--pack-size',
      String(1 << 20),
      '--json',
    ];
    const jobDir = join(stagingLocation, 'crash-job');

    const k1 = await cli(args, { OBC_TEST_KILL_AT: 'seed' });
    expect(k1.signal).toBe('SIGKILL');
    expect((await readSeed(jobDir))?.state).toBe('inProgress');

    const k2 = await cli(args, { OBC_TEST_KILL_AT: 'pack:2' });
    expect(k2.signal).toBe('SIGKILL');
    const pack1 = await readFile(join(jobDir, 'packs', 'pack-000001.bin'));

    // From outside, as soon as a new pack's temp file appears (inotify, no timing guesses).
    const ac = new AbortController();
    let k3Child: ReturnType<typeof spawn> | null = null;
    const watcher = watch(join(jobDir, 'packs'), { signal: ac.signal }, (_ev, name) => {
      if (name && /^\.pack-\d+\.tmp$/.test(String(name))) k3Child?.kill('SIGKILL');
    });
    const k3 = await cli(args, {}, undefined, (c) => (k3Child = c));
    ac.abort();
    watcher.close();
    expect(k3.signal).toBe('SIGKILL');

    const committed = (await readdir(join(jobDir, 'packs'))).filter((n) => n.startsWith('pack-')).length;
    expect(committed).toBeLessThan(15);
    const k4 = await cli(args, { OBC_TEST_KILL_AT: `pack:${committed + 2}` });
    expect(k4.signal).toBe('SIGKILL');

    const k5 = await cli(args, { OBC_TEST_KILL_AT: 'catalog' });
    expect(k5.signal).toBe('SIGKILL');
    expect((await readSeed(jobDir))?.state).toBe('inProgress');
    // Killed with the side file of range MD5s written and synced, seed.json not yet: still in progress (seed.json
    // never names a side file that is not complete), and the next run writes both again.
    const k6 = await cli(args, { OBC_TEST_KILL_AT: 'seed-ranges' });
    expect(k6.signal).toBe('SIGKILL');
    expect(await readdir(jobDir)).toContain(SEED_RANGES_FILE);
    expect((await readSeed(jobDir))?.state).toBe('inProgress');

    const done = await cli(args);
    expect(done.stderr).not.toMatch(/error/);
    expect(done.code).toBe(0);
    const result = JSON.parse(done.stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ type: 'result', status: 'succeeded', result: { resumed: true } });
    expect(await readFile(join(jobDir, 'packs', 'pack-000001.bin'))).toEqual(pack1);
    // Nothing stored twice: the packs hold about one copy of the (incompressible) data.
    expect(result.result.storedBytes).toBeLessThan(12 * (2 << 20) * 1.25);

    const v = await cli(['verify', '--staging', stagingLocation, '--job', 'crash-job', '--passphrase-file', pf]);
    expect(v.code).toBe(0);
    const out = join(dir, 'out');
    const r = await cli([
      'restore',
      '--staging',
      stagingLocation,
      '--job',
      'crash-job',
      '--passphrase-file',
      pf,
      '--to',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(await diffTrees(src, join(out, catalogPathOf(src)), { mtimes: true })).toEqual([]);

    // A completed job is not overwritten by a rerun.
    const again = await cli(args.filter((a) => a !== '--json'));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has a completed backup/);
  });

  it('uses the documented exit codes: usage 2, warnings 3, damaged 1', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    await writeFile(join(src, 'a.txt'), 'a');
    const pf = join(dir, 'pass.txt');
    await writeFile(pf, PASS);
    const stagingLocation = join(dir, 'staging');
    expect(
      (
        await cli([
          'backup',
          '--items',
          src,
          '--staging',
          stagingLocation,
          '--job',
          'Bad_Name',
          '--passphrase-file',
          pf,
        ])
      ).code,
    ).toBe(2);
    expect((await cli(['backup', '--staging', stagingLocation])).code).toBe(2);
    const missingPf = await cli([
      'backup',
      '--items',
      src,
      '--staging',
      stagingLocation,
      '--job',
      'job-x',
      '--passphrase-file',
      join(dir, 'nope'),
    ]);
    expect(missingPf.code).toBe(2);
    expect(missingPf.stderr).toContain(join(dir, 'nope'));
    const warn = await cli([
      'backup',
      '--items',
      src,
      join(dir, 'missing-item'),
      '--staging',
      stagingLocation,
      '--job',
      'job-x',
      '--passphrase-file',
      pf,
    ]);
    expect(warn.code).toBe(3);
    expect(warn.stdout).toContain(`skipped: ${join(dir, 'missing-item')}: vanished during the scan`);
    const bad = join(dir, 'bad.txt');
    await writeFile(bad, 'definitely the wrong passphrase');
    const wrong = await cli(['verify', '--staging', stagingLocation, '--job', 'job-x', '--passphrase-file', bad]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/passphrase does not match/);
  });
});
