/**
 * `npm run bench -- seed [--tb 1,10,100] [--pack 64M] [--format 2,3] [--dir <folder>]`
 *
 * seed.json at the job sizes the product must take (up to 10 disks, 100 TB: shared/disks.ts): writes a synthetic
 * complete seed for each size and seed format (one pack file entry per `--pack` bytes, as the backup's pack size
 * makes them, 4 MiB page ranges), with the format-3 side file of range MD5s (shared/seed-ranges.ts), and measures,
 * each in a fresh process: `readSeed` (what restore, verify, the scheduler and Disk Prep's job list do) and Disk
 * Prep's planning (job discovery + `planDisks` onto 10 disks + the per-file lookup table), and `rewrite`: readSeed
 * then `writeSeed` of it into another folder (the backup's last step, sealing included). Prints per case the
 * seed.json size, the side file size, wall ms, CPU-s, peak RSS and peak heap, or the error that stopped it. Nothing
 * is copied (no file data is written: only seed.json and the side file). Prints one JSON summary line at the end.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalJson } from '../shared/canonical-json.ts';
import { rangeCount } from '../shared/page-ranges.ts';
import { SEED_RANGES_FILE, SEED_RANGES_HEADER_BYTES, rangesHeader } from '../shared/seed-ranges.ts';
import { parseSize } from '../electron/services/diskprep/folder-disk.ts';
import { newJobCrypto } from '../electron/services/backup/crypto.ts';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const TB = 1e12;
const JOB = 'benchseed';

if (args[0] === '--child') {
  await child(args[1], args[2]);
} else {
  await main();
}

async function main(): Promise<void> {
  const sizes = opt('tb', '1,10,100').split(',').map(Number);
  const pack = parseSize(opt('pack', '64M'));
  const formats = opt('format', '2,3')
    .split(',')
    .map((v) => {
      if (v !== '2' && v !== '3') throw new Error(`--format takes 2, 3 or 2,3 (got ${v})`);
      return Number(v) as 2 | 3;
    });
  const base = await mkdtemp(join(opt('dir', tmpdir()), 'obc-bench-seed-'));
  const out: unknown[] = [];
  try {
    for (const tb of sizes)
      for (const format of formats) {
        const staging = join(base, `${tb}tb-f${format}`);
        const g = await writeSyntheticSeed(join(staging, JOB), tb * TB, pack, format);
        const row: Record<string, unknown> = {
          tb,
          format,
          files: g.files,
          ranges: g.ranges,
          seedMB: +(g.seedBytes / 1e6).toFixed(1),
          sideMB: +(g.sideBytes / 1e6).toFixed(1),
        };
        for (const op of ['readSeed', 'plan', 'rewrite']) {
          const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', op, staging], {
            encoding: 'utf8',
            maxBuffer: 1 << 20,
          });
          const last = r.stdout.trim().split('\n').pop() ?? '';
          let m: Record<string, unknown>;
          try {
            m = JSON.parse(last) as Record<string, unknown>;
          } catch {
            m = { error: (r.stderr || `exit ${r.status} ${r.signal ?? ''}`).trim().split('\n').slice(-3).join(' | ') };
          }
          row[op] = m;
          const show = m.error
            ? `FAILED: ${String(m.error).slice(0, 200)}`
            : `${m.ms} ms, ${m.cpuS} CPU-s, peak RSS ${m.rssMB} MB, peak heap ${m.heapMB} MB`;
          process.stderr.write(
            `${tb} TB, format ${format} (${g.files} files, ${g.ranges} ranges; seed.json ${row.seedMB} MB, side file ${row.sideMB} MB): ${op} ${show}\n`,
          );
        }
        out.push(row);
        await rm(staging, { recursive: true, force: true });
      }
  } finally {
    await rm(base, { recursive: true, force: true });
  }
  process.stderr.write(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  process.stdout.write(JSON.stringify({ bench: 'seed', pack, load: loadavg(), cases: out }) + '\n');
}

/**
 * A complete seed of `bytes` in packs of `pack` bytes (the last one shorter), written as canonical JSON with its own
 * checksum, streamed (a format-2 seed of 100 TB is larger than one JS string may be). The MD5s are random: nothing
 * reads the packs.
 */
async function writeSyntheticSeed(
  dir: string,
  bytes: number,
  pack: number,
  format: 2 | 3,
): Promise<{ files: number; ranges: number; seedBytes: number; sideBytes: number }> {
  await mkdir(dir, { recursive: true });
  const n = Math.ceil(bytes / pack);
  const lengthOf = (i: number) => (i < n - 1 ? pack : bytes - pack * (n - 1) - ((bytes - pack * (n - 1)) % 512));
  const totalRanges = Array.from({ length: n }, (_, i) => rangeCount(lengthOf(i))).reduce((s, x) => s + x, 0);
  const hex = (k: number) => randomBytes(k).toString('hex');
  // Format 3: the side file first (its SHA-256 goes into seed.json).
  let side: { path: string; count: number; sha256: string } | null = null;
  let sideBytes = 0;
  if (format === 3) {
    const h = createHash('sha256');
    const ws = createWriteStream(join(dir, SEED_RANGES_FILE));
    const put = (b: Uint8Array) => {
      h.update(b);
      sideBytes += b.length;
      return ws.write(b) ? Promise.resolve() : new Promise<void>((r) => ws.once('drain', () => r()));
    };
    await put(rangesHeader(totalRanges));
    for (let left = totalRanges; left > 0;) {
      const k = Math.min(left, 65536);
      await put(randomBytes(16 * k));
      left -= k;
    }
    await new Promise<void>((res, rej) => ws.end((e?: Error | null) => (e ? rej(e) : res())));
    side = { path: SEED_RANGES_FILE, count: totalRanges, sha256: h.digest('hex') };
    if (sideBytes !== SEED_RANGES_HEADER_BYTES + 16 * totalRanges) throw new Error('side file size');
  }
  const { crypto } = await newJobCrypto('benchmark passphrase 123', { N: 1024, r: 8, p: 1 });
  const head = {
    format: 'obc-seed',
    formatVersion: format,
    jobName: JOB,
    storageAccount: 'obcsandbox01',
    container: 'seed',
    blobPrefix: `${JOB}/`,
    sourceMachine: 'bench-host',
    createdAt: '2026-12-05T00:00:00.000Z',
    completedAt: '2026-12-05T10:00:00.000Z',
    state: 'complete',
    crypto,
    totals: { files: 1000 * n, bytes, storedBytes: bytes, chunks: 100 * n, skipped: 0 },
    ...(side ? { rangeMd5s: side } : {}),
    files: [],
  };
  const [before, after] = canonicalJson(head).split('"files":[]');
  const h = createHash('sha256');
  const seedPath = join(dir, 'seed.json');
  const ws = createWriteStream(seedPath);
  let seedBytes = 0;
  const put = (s: string) => {
    h.update(s);
    seedBytes += Buffer.byteLength(s);
    return ws.write(s) ? Promise.resolve() : new Promise<void>((r) => ws.once('drain', () => r()));
  };
  await put(`${before}"files":[`);
  let first = 0;
  let chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    const length = lengthOf(i);
    const k = rangeCount(length);
    const e =
      format === 2
        ? {
            length,
            md5: hex(16),
            path: `packs/${String(i + 1).padStart(6, '0')}.pack`,
            ranges: Array.from({ length: k }, () => hex(16)),
            sha256: hex(32),
          }
        : {
            firstRange: first,
            length,
            md5: hex(16),
            path: `packs/${String(i + 1).padStart(6, '0')}.pack`,
            sha256: hex(32),
          };
    first += k;
    chunk.push(canonicalJson(e));
    if (chunk.length === 4096 || i === n - 1) {
      await put((i + 1 > chunk.length ? ',' : '') + chunk.join(','));
      chunk = [];
    }
  }
  await put(`]${after.slice(0, -1)}`);
  const sum = h.update('}').digest('hex'); // the canonical text ends with the "}" written after the sum
  const end = `,"sum":"${sum}"}`;
  seedBytes += end.length;
  ws.write(end);
  await new Promise<void>((res, rej) => ws.end((e?: Error | null) => (e ? rej(e) : res())));
  if ((await stat(seedPath)).size !== seedBytes) throw new Error('seed size');
  return { files: n, ranges: totalRanges, seedBytes, sideBytes };
}

/** One measured operation in this (fresh) process; prints one JSON line. */
async function child(op: string, staging: string): Promise<void> {
  let heapPeak = 0;
  const tick = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 20);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    if (op === 'readSeed') {
      const { readSeed } = await import('../electron/services/backup/job-files.ts');
      const seed = await readSeed(join(staging, JOB));
      if (!seed) throw new Error('no seed');
    } else if (op === 'rewrite') {
      const { readSeed, writeSeed } = await import('../electron/services/backup/job-files.ts');
      const seed = await readSeed(join(staging, JOB));
      if (!seed) throw new Error('no seed');
      await mkdir(join(staging, 'rewritten'), { recursive: true });
      await writeSeed(join(staging, 'rewritten'), seed);
    } else {
      const { findJob } = await import('../electron/services/diskprep/jobs.ts');
      const { planDisks } = await import('../electron/services/diskprep/planner.ts');
      const job = await findJob(staging, JOB);
      const files = job.seed.files.map((f) => ({ path: f.path, length: f.length }));
      const plan = planDisks(
        files,
        Array.from({ length: 10 }, (_, i) => ({ serial: `BENCH${i}`, capacityBytes: Math.ceil(job.bytes / 9.5) })),
      );
      const byPath = new Map(job.seed.files.map((f, i) => [f.path, { ...f, index: i }]));
      if (!plan.fits || byPath.size !== files.length) throw new Error('the plan does not place every file');
    }
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    const cpu = process.cpuUsage(c0);
    process.stdout.write(
      JSON.stringify({
        ms: Math.round(performance.now() - t0),
        cpuS: +((cpu.user + cpu.system) / 1e6).toFixed(2),
        rssMB: Math.round(process.resourceUsage().maxRSS / 1024),
        heapMB: Math.round(heapPeak / 1e6),
      }) + '\n',
    );
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: (err as Error).message.slice(0, 300) }) + '\n');
  } finally {
    clearInterval(tick);
  }
}
