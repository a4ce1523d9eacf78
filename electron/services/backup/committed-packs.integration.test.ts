/**
 * The committed packs are held compact (job-state.ts PackTable), but what the backup writes from them is what the
 * readers expect, computed here from the pack files alone: each state log line, the log rewritten by a resume, the
 * packs' seed.json entries and the side file of range MD5s (as writeSeedRanges writes it from hex MD5s).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SEED_RANGES_FILE } from '../../../shared/seed-ranges.ts';
import type { SeedFile } from '../../../shared/staging.ts';
import { pageMd5OfFile } from '../page-md5.ts';
import { writeSeedRanges } from '../seed-ranges-file.ts';
import { unlockJob } from './crypto.ts';
import { runBackup } from './engine.ts';
import { readSeed, writeSeed } from './job-files.ts';
import { STATE_LOG } from './job-state.ts';
import { packPath, readPackFileIndex } from './pack-format.ts';
import { FAST_KDF, PASS, prng, tempDir } from './test-trees.ts';
import type { BackupOptions } from './types.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-committed-')));
afterEach(() => cleanup());

/** A state log line as the pack writer's commit gives it, from the pack file on disk (seed format 4: no whole-file MD5). */
async function expectedLine(jobDir: string, enc: Buffer, n: number): Promise<string> {
  const got = await pageMd5OfFile(join(jobDir, packPath(n)));
  const idx = await readPackFileIndex(enc, n, join(jobDir, packPath(n)), got.length);
  if (!idx.ok) throw new Error(`pack ${n} does not read back`);
  const p = {
    n,
    path: packPath(n),
    length: got.length,
    sha256: got.sha256,
    ranges: got.ranges,
    chunks: idx.entries.length,
  };
  return JSON.stringify(p) + '\n';
}

it('writes the state log, its resume rewrite, seed.json and the side file byte for byte as the readers expect', async () => {
  const src = join(dir, 'src');
  await mkdir(src, { recursive: true });
  const rnd = prng(17);
  for (let i = 0; i < 12; i++) await writeFile(join(src, `big-${i}.bin`), rnd((3 << 20) + i * 333_333));
  for (let i = 0; i < 50; i++) await writeFile(join(src, `small-${i}.txt`), rnd(1000 + i));
  const staging = join(dir, 'staging');
  const jobDir = join(staging, 'job-a');
  // Packs of ~9 MiB: three page ranges each.
  const opts = (o: Partial<BackupOptions>): BackupOptions => ({
    stagingLocation: staging,
    job: { name: 'job-a' },
    passphrase: PASS,
    kdf: FAST_KDF,
    packSize: 9 << 20,
    items: [src],
    ...o,
  });

  // A run stopped after its second pack: the log holds one line per committed pack.
  const ac = new AbortController();
  let logAtStop = '';
  await expect(
    runBackup(
      opts({
        signal: ac.signal,
        testHook: async (p) => {
          if (p !== 'pack:2') return;
          logAtStop = await readFile(join(jobDir, STATE_LOG), 'utf8');
          ac.abort();
        },
      }),
    ),
  ).rejects.toMatchObject({ code: 'CANCELLED' });
  const seed0 = (await readSeed(jobDir))!;
  const { enc } = await unlockJob(PASS, seed0.crypto, 'job-a');
  expect(logAtStop).toBe((await expectedLine(jobDir, enc, 1)) + (await expectedLine(jobDir, enc, 2)));

  // The resume reads the log into the table and rewrites it: the same bytes (with any pack the stopped run still
  // committed), then the new packs' lines.
  let logAtResume = '';
  let firstNew = 0;
  const r = await runBackup(
    opts({
      testHook: async (p) => {
        if (!p.startsWith('pack:') || firstNew) return;
        firstNew = Number(p.slice('pack:'.length));
        logAtResume = await readFile(join(jobDir, STATE_LOG), 'utf8');
      },
    }),
  );
  expect(r.resumed).toBe(true);
  expect(firstNew).toBeGreaterThanOrEqual(3);
  expect(logAtResume.startsWith(logAtStop)).toBe(true);
  let all = '';
  for (let n = 1; n <= firstNew; n++) all += await expectedLine(jobDir, enc, n);
  expect(logAtResume).toBe(all);

  // seed.json: each pack's entry, in pack order; the side file: what the hex MD5s make, byte for byte.
  const seed = (await readSeed(jobDir))!;
  const names = (await readdir(join(jobDir, 'packs'))).filter((f) => !f.startsWith('.')).sort();
  expect(r.packs).toBe(names.length);
  expect(names.length).toBeGreaterThanOrEqual(4);
  const format2: SeedFile[] = [];
  for (const f of seed.files) {
    const got = await pageMd5OfFile(join(jobDir, f.path));
    format2.push({ path: f.path, length: got.length, sha256: got.sha256, ranges: got.ranges });
  }
  expect(seed.formatVersion).toBe(4);
  expect(seed.files.slice(0, names.length).map((f) => f.path)).toEqual(names.map((n) => `packs/${n}`));
  const elsewhere = join(dir, 'expected');
  await mkdir(elsewhere);
  const expected = await writeSeedRanges(elsewhere, format2);
  expect(JSON.stringify(seed.files)).toBe(JSON.stringify(expected.files));
  expect(seed.rangeMd5s).toEqual(expected.entry);
  expect(await readFile(join(jobDir, SEED_RANGES_FILE))).toEqual(await readFile(join(elsewhere, SEED_RANGES_FILE)));
});

it("a job begun by a format-3 build resumes and finishes as format 4: its packs' recorded whole-file MD5s are not written", async () => {
  const src = join(dir, 'src');
  await mkdir(src, { recursive: true });
  const rnd = prng(23);
  for (let i = 0; i < 6; i++) await writeFile(join(src, `big-${i}.bin`), rnd((3 << 20) + i * 77_777));
  const staging = join(dir, 'staging');
  const jobDir = join(staging, 'job-b');
  const opts = (o: Partial<BackupOptions>): BackupOptions => ({
    stagingLocation: staging,
    job: { name: 'job-b' },
    passphrase: PASS,
    kdf: FAST_KDF,
    packSize: 9 << 20,
    items: [src],
    ...o,
  });
  const ac = new AbortController();
  await expect(
    runBackup(opts({ signal: ac.signal, testHook: async (p) => void (p === 'pack:1' && ac.abort()) })),
  ).rejects.toMatchObject({ code: 'CANCELLED' });
  // Make the stopped job what a format-3 build leaves: seed.json in progress at format 3, and log lines with md5.
  const seed0 = (await readSeed(jobDir))!;
  expect(seed0).toMatchObject({ formatVersion: 4, state: 'inProgress', files: [] });
  const { sum: _sum, ...unsealed } = seed0;
  await writeSeed(jobDir, { ...unsealed, formatVersion: 3 });
  expect((await readSeed(jobDir))!.formatVersion).toBe(3);
  const oldLines: string[] = [];
  const md5Of = new Map<string, string>();
  for (const line of (await readFile(join(jobDir, STATE_LOG), 'utf8')).split('\n').filter(Boolean)) {
    const p = JSON.parse(line) as { n: number; path: string; length: number; sha256: string; ranges: string[] };
    expect(p).not.toHaveProperty('md5');
    const got = await pageMd5OfFile(join(jobDir, p.path));
    md5Of.set(p.path, got.md5);
    const { ranges, ...head } = p;
    oldLines.push(JSON.stringify({ ...head, md5: got.md5, ranges }) + '\n');
  }
  expect(oldLines.length).toBeGreaterThanOrEqual(1);
  await writeFile(join(jobDir, STATE_LOG), oldLines.join(''));

  const r = await runBackup(opts({}));
  expect(r.resumed).toBe(true);
  const seed = (await readSeed(jobDir))!;
  expect(seed).toMatchObject({ formatVersion: 4, state: 'complete' });
  // Every file as format 4 has it: SHA-256 and firstRange, no md5; the old packs' range MD5s came from the log.
  const format2: SeedFile[] = [];
  for (const f of seed.files) {
    expect(f, f.path).not.toHaveProperty('md5');
    const got = await pageMd5OfFile(join(jobDir, f.path));
    format2.push({ path: f.path, length: got.length, sha256: got.sha256, ranges: got.ranges });
  }
  for (const p of md5Of.keys()) expect(seed.files.map((f) => f.path)).toContain(p);
  const elsewhere = join(dir, 'expected');
  await mkdir(elsewhere);
  const expected = await writeSeedRanges(elsewhere, format2);
  expect(JSON.stringify(seed.files)).toBe(JSON.stringify(expected.files));
  expect(await readFile(join(jobDir, SEED_RANGES_FILE))).toEqual(await readFile(join(elsewhere, SEED_RANGES_FILE)));
});
