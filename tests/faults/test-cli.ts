/** Shared helpers for the fault suite (tests/faults): CLI child processes, seeded randomness, corpora, temp dirs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from '../../electron/services/backup/test-trees.ts';
import { tempDir as testTempDir } from '../../electron/services/test-temp.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(REPO, 'electron', 'cli', 'index.ts');
export const PASSPHRASE = 'fault suite passphrase 0123456789';

/** The suite's seed: OBC_FAULT_SEED=<n> reproduces a run; printed by every test that draws from it. */
export const SEED = Number(process.env.OBC_FAULT_SEED ?? 20261122) >>> 0;

/** mulberry32: small, seeded, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A temp folder: `cleanup` removes it early; tests/setup-temp.ts removes it when the test file ends in any case. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await testTempDir(prefix);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a child; `onLine` sees each stdout line, `onChild` gets the process (to kill it from outside). */
export function cli(
  args: string[],
  o: {
    env?: Record<string, string | undefined>;
    onLine?: (line: string, child: ChildProcess) => void;
    onChild?: (c: ChildProcess) => void;
  } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...o.env })) if (v !== undefined) env[k] = v;
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    o.onChild?.(child);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: child.stdout }).on('line', (l) => {
      stdout += l + '\n';
      o.onLine?.(l, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The last `{"type":"result"…}` line of a `--json` run. */
export function resultOf(
  r: Run,
):
  | { status: string; result: Record<string, unknown> | null; error: { code: string; message: string } | null }
  | undefined {
  const line = r.stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"type":"result"'));
  return line ? JSON.parse(line) : undefined;
}

/** A small mixed corpus (~`mib` MiB): random binaries, compressible text, duplicates, empty file and folder, a link. */
export async function makeCorpus(src: string, seed: number, mib = 8): Promise<void> {
  const rnd = prng(seed);
  await mkdir(join(src, 'bin'), { recursive: true });
  await mkdir(join(src, 'docs', 'deep', 'er'), { recursive: true });
  await mkdir(join(src, 'empty-dir'), { recursive: true });
  const big = Math.max(1, Math.floor(mib * 0.75));
  const r = rng(seed);
  for (let i = 0; i < big; i++)
    await writeFile(join(src, 'bin', `blob-${i}.bin`), rnd((1 << 20) + Math.floor(r() * 200_000)));
  const dup = rnd(700_000);
  await writeFile(join(src, 'bin', 'dup-a.bin'), dup);
  await writeFile(join(src, 'bin', 'dup-b.bin'), dup);
  for (let i = 0; i < 40; i++)
    await writeFile(join(src, 'docs', `note-${i}.txt`), `line ${i} of the fault corpus\n`.repeat(500 + 37 * i));
  await writeFile(join(src, 'docs', 'deep', 'er', 'unicodé ünïcode 文件.txt'), 'ü'.repeat(10_000));
  await writeFile(join(src, 'docs', 'empty.txt'), '');
  await symlink('../docs/note-1.txt', join(src, 'bin', 'link-to-note'));
}

export async function writePassFile(dir: string): Promise<string> {
  const pf = join(dir, 'pass.txt');
  await writeFile(pf, PASSPHRASE + '\n');
  return pf;
}
