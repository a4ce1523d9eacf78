/**
 * `npm run bench -- backup [--tree <dir> | --size 1G | --files 10000[,200000]] [--rounds 1] [--tools obc,restic,borg] [--dir <tmp>] [--keep]
 *  [--load-tolerance 1] [--max-repeats 2] [--baseline <other checkout>/electron/cli/index.ts] [--recycle-pages]`
 *
 * Backs up one tree with this engine (the CLI, as a child process), `restic backup` and `borg create --compression
 * zstd,3`, in interleaved rounds (the order rotates each round), each run under GNU time: wall seconds, CPU seconds
 * (user and system), peak RSS, output size, and the 1-minute load average sampled during the run. The tree is read
 * once before every run (tar | cat), so each tool starts with it in the page cache. The machine is shared: a round
 * whose runs saw load averages further apart than --load-tolerance is run again (at most --max-repeats times).
 * --tree takes any existing folder; without it a reproducible mixed corpus of --size is generated
 * (bench-corpus.ts); --files N generates N small files instead (a list: one bench per count, then obc's peak RSS at
 * each and the growth between them). --baseline adds another checkout's CLI as `obc-before`. --recycle-pages writes
 * and deletes as many bytes as the tree holds before each run, so every tool writes into just-freed pages (see
 * `recyclePages`); each line also gives the run's minor page faults and the cores it kept busy (CPU-s / wall). Prints one line per run, the ratios per round, and one JSON summary line at the end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCorpus, makeFileTree } from './bench-corpus.ts';

const CLI = fileURLToPath(new URL('../electron/cli/index.ts', import.meta.url));
const PASS = 'benchmark passphrase, not a secret';
const GiB = 2 ** 30;
/**
 * Cores of this machine: each run line gives the cores it kept busy on average (CPU-s / wall). Both tools are
 * CPU-bound here, so a tool's throughput is its CPU-s per GiB divided into how many cores it keeps busy.
 */
const cores = availableParallelism();

function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?$/i.exec(s.trim());
  if (!m) throw new Error(`--size ${s}: use e.g. 512M, 1G, 4G`);
  return Math.round(Number(m[1]) * 1024 ** ' KMGT'.indexOf((m[2] || ' ').toUpperCase()));
}

/** Apparent bytes of regular files under `path` (links not followed), and how many. */
async function treeSize(path: string): Promise<{ files: number; bytes: number }> {
  const st = await lstat(path);
  if (st.isFile()) return { files: 1, bytes: st.size };
  if (!st.isDirectory()) return { files: 0, bytes: 0 };
  let files = 0;
  let bytes = 0;
  for (const n of await readdir(path)) {
    const s = await treeSize(join(path, n));
    files += s.files;
    bytes += s.bytes;
  }
  return { files, bytes };
}

interface Run {
  tool: string;
  round: number;
  seconds: number;
  userS: number;
  sysS: number;
  peakRssKiB: number;
  /** Minor page faults (GNU time %R). */
  minorFaults: number;
  outBytes: number;
  /** 1-minute load average: mean of the samples taken during the run. */
  load: number;
  ok: boolean;
  note?: string;
  /** obc's "pack I/O:" line: whether its packs were written and read back with O_DIRECT or through the cache. */
  packIo?: string;
}

const loadNow = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

/** Runs a command under GNU time (wall, user, system, peak RSS), sampling the load average every 500 ms. */
function timed(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{
  code: number;
  seconds: number;
  userS: number;
  sysS: number;
  peakRssKiB: number;
  minorFaults: number;
  load: number;
  stderr: string;
  stdout: string;
}> {
  if (!existsSync('/usr/bin/time'))
    throw new Error('GNU time (/usr/bin/time, Debian package "time") is needed for CPU seconds and peak RSS.');
  const t0 = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-f', 'OBC_TIME %U %S %M %R', cmd, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const loads = [loadNow()];
  const poll = setInterval(() => loads.push(loadNow()), 500);
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => {
    child.on('close', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = /OBC_TIME ([\d.]+) ([\d.]+) (\d+) (\d+)/.exec(stderr);
      done({
        code: code ?? 1,
        seconds,
        userS: m ? Number(m[1]) : NaN,
        sysS: m ? Number(m[2]) : NaN,
        peakRssKiB: m ? Number(m[3]) : NaN,
        minorFaults: m ? Number(m[4]) : NaN,
        load: loads.reduce((s, x) => s + x, 0) / loads.length,
        stderr: stderr.replace(/OBC_TIME .*\n?/, ''),
        stdout,
      });
    });
  });
}

const has = (bin: string) => spawnSync('which', [bin], { encoding: 'utf8' }).status === 0;

/**
 * Writes `bytes` to a scratch file next to the outputs and deletes it, so the run that follows writes its output
 * into page-cache pages the kernel has just freed. On the VMs here, a page the guest has not used for a while
 * costs several times more to fill (a fresh 545 MB `dd` took 0.7–3.1 s of system time in seven runs, one right
 * after deleting a file of that size 0.10–0.41 s), so without this the tool that runs after another one freed
 * memory writes for less (README of electron/services/backup, 2026-12-05 speed15).
 */
async function recyclePages(dir: string, bytes: number): Promise<void> {
  const path = join(dir, 'recycle-pages.tmp');
  const fh = await open(path, 'w');
  try {
    const block = Buffer.alloc(8 << 20, 1);
    for (let o = 0; o < bytes; o += block.length) await fh.write(block, 0, Math.min(block.length, bytes - o), o);
  } finally {
    await fh.close();
  }
  await rm(path, { force: true });
}

/** Reads every file of the tree once (through tar, as the tools would), so each run finds it in the page cache. */
function warm(tree: string): void {
  const r = spawnSync('sh', ['-c', 'tar -cf - -C "$1" . 2>/dev/null | cat > /dev/null', 'warm', tree], {
    stdio: 'ignore',
  });
  if (r.status !== 0) throw new Error(`Reading ${tree} to warm the cache failed.`);
}

async function du(path: string): Promise<number> {
  return (await treeSize(path).catch(() => ({ bytes: 0 }))).bytes;
}

interface Tool {
  name: string;
  out: string;
  prepare: () => Promise<void>;
  cmd: string;
  args: string[];
  env: Record<string, string>;
  okCodes: number[];
}

function toolsFor(names: string[], base: string, tree: string, passFile: string, log: (s: string) => void): Tool[] {
  const out: Tool[] = [];
  const obc = (name: string, cli: string) => {
    const stagingLocation = join(base, `${name}-staging`);
    out.push({
      name,
      out: stagingLocation,
      prepare: async () => rm(stagingLocation, { recursive: true, force: true }),
      cmd: process.execPath,
      args: [
        cli,
        'backup',
        '--items',
        tree,
        '--staging',
        stagingLocation,
        '--job',
        'bench',
        '--passphrase-file',
        passFile,
      ],
      env: {},
      okCodes: [0],
    });
  };
  if (names.includes('obc')) obc('obc', CLI);
  // Another checkout's CLI (electron/cli/index.ts), run the same way: before/after figures in one run.
  if (arg('baseline')) obc('obc-before', resolve(arg('baseline')!));
  if (names.includes('restic')) {
    if (!has('restic')) log('restic: not installed (Debian package "restic"); skipped.');
    else {
      const repo = join(base, 'restic-repo');
      const env = { RESTIC_PASSWORD: PASS, XDG_CACHE_HOME: join(base, 'restic-cache') };
      out.push({
        name: 'restic',
        out: repo,
        prepare: async () => {
          await rm(repo, { recursive: true, force: true });
          await rm(env.XDG_CACHE_HOME, { recursive: true, force: true });
          spawnSync('restic', ['init', '--repo', repo], { env: { ...process.env, ...env }, stdio: 'ignore' });
        },
        cmd: 'restic',
        args: ['backup', '--repo', repo, '--quiet', tree],
        env,
        okCodes: [0, 3],
      });
    }
  }
  if (names.includes('borg')) {
    if (!has('borg')) log('borg: not installed (Debian package "borgbackup"); skipped.');
    else {
      const repo = join(base, 'borg-repo');
      const env = {
        BORG_PASSPHRASE: PASS,
        BORG_BASE_DIR: join(base, 'borg-base'),
        BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
      };
      out.push({
        name: 'borg',
        out: repo,
        prepare: async () => {
          await rm(repo, { recursive: true, force: true });
          await rm(env.BORG_BASE_DIR, { recursive: true, force: true });
          spawnSync('borg', ['init', '--encryption=repokey', repo], {
            env: { ...process.env, ...env },
            stdio: 'ignore',
          });
        },
        cmd: 'borg',
        args: ['create', '--compression', 'zstd,3', `${repo}::bench`, tree],
        env,
        okCodes: [0, 1],
      });
    }
  }
  return out;
}

const fmt = (n: number, d = 1) => n.toFixed(d);

async function main(): Promise<void> {
  const names = (arg('tools', 'obc,restic,borg') ?? '').split(',');
  const rounds = Number(arg('rounds', '1'));
  const tolerance = Number(arg('load-tolerance', '1'));
  const maxRepeats = Number(arg('max-repeats', '2'));
  const base = arg('dir') ?? (await mkdtemp(join(tmpdir(), 'obc-bench-')));
  await mkdir(base, { recursive: true });
  const keep = process.argv.includes('--keep');
  const recycle = process.argv.includes('--recycle-pages');
  const log = (s: string) => process.stdout.write(s + '\n');
  let tree: string;
  let info: { files: number; bytes: number };
  try {
    if (arg('tree')) {
      tree = resolve(arg('tree')!);
      info = await treeSize(tree);
      log(`Tree: ${tree}: ${info.files} files, ${fmt(info.bytes / 1e6, 0)} MB.`);
    } else if (arg('files')) {
      const count = Number(arg('files'));
      if (!Number.isInteger(count) || count < 1)
        throw new Error(`--files ${arg('files')}: give a whole number of files, e.g. 10000`);
      tree = join(base, `files-${count}`);
      if (existsSync(join(tree, '.done'))) info = JSON.parse(readFileSync(join(tree, '.done'), 'utf8'));
      else {
        log(`Generating ${count} small files in ${tree} …`);
        await rm(tree, { recursive: true, force: true });
        info = await makeFileTree(tree, count);
        await writeFile(join(tree, '.done'), JSON.stringify(info));
      }
      log(
        `Small-file tree: ${info.files} files, ${fmt(info.bytes / 1e6, 0)} MB (200 B – 8 KiB each, text and binary).`,
      );
    } else {
      const size = parseSize(arg('size', '1G')!);
      tree = join(base, 'corpus');
      if (existsSync(join(tree, '.done'))) info = JSON.parse(readFileSync(join(tree, '.done'), 'utf8'));
      else {
        log(`Generating a ${fmt(size / GiB, 2)} GiB mixed corpus in ${tree} …`);
        await rm(tree, { recursive: true, force: true });
        info = await makeCorpus(tree, size);
        await writeFile(join(tree, '.done'), JSON.stringify(info));
      }
      log(
        `Corpus: ${info.files} files, ${fmt(info.bytes / 1e6, 0)} MB (text 30%, binaries 20%, media 30%, duplicates 10%, small files 10%).`,
      );
    }
    const passFile = join(base, 'pass.txt');
    await writeFile(passFile, PASS, { mode: 0o600 });
    const tools = toolsFor(names, base, tree, passFile, log);
    const gib = info.bytes / GiB;
    const accepted: Run[][] = [];
    for (let round = 1; round <= rounds; round++) {
      for (let attempt = 0; ; attempt++) {
        const order = tools.map((_, i) => tools[(i + round - 1) % tools.length]);
        const runs: Run[] = [];
        for (const t of order) {
          await t.prepare();
          warm(tree);
          if (recycle) await recyclePages(base, info.bytes);
          const r = await timed(t.cmd, t.args, t.env);
          const run: Run = {
            tool: t.name,
            round,
            seconds: r.seconds,
            userS: r.userS,
            sysS: r.sysS,
            peakRssKiB: r.peakRssKiB,
            minorFaults: r.minorFaults,
            outBytes: await du(t.out),
            load: r.load,
            ok: t.okCodes.includes(r.code),
          };
          if (!run.ok) run.note = r.stderr.trim().split('\n').slice(-3).join(' | ');
          const packIo = /^pack I\/O: (.*)$/m.exec(r.stdout)?.[1];
          if (packIo) run.packIo = packIo;
          runs.push(run);
          log(
            `round ${round}${attempt ? ` (again ${attempt})` : ''} ${t.name.padEnd(6)} ${fmt(r.seconds).padStart(6)} s ${fmt(info.bytes / 1e6 / r.seconds).padStart(6)} MB/s  CPU ${fmt(r.userS)} user + ${fmt(r.sysS)} sys = ${fmt((r.userS + r.sysS) / gib, 2)} CPU-s/GiB  cores busy ${fmt((r.userS + r.sysS) / r.seconds, 2)}/${cores}  peak RSS ${fmt(r.peakRssKiB / 1024, 0)} MB  faults ${fmt(r.minorFaults / 1000, 0)}k  out ${fmt(run.outBytes / 1e6)} MB  load ${fmt(r.load, 2)}${run.ok ? '' : `  FAILED: ${run.note}`}`,
          );
          if (run.packIo) log(`          ${t.name} pack I/O: ${run.packIo}`);
        }
        const loads = runs.map((r) => r.load);
        const spread = Math.max(...loads) - Math.min(...loads);
        if (spread <= tolerance || attempt >= maxRepeats) {
          if (spread > tolerance)
            log(
              `round ${round}: the load still moved by ${fmt(spread, 2)} after ${maxRepeats} repeats; kept, read its ratios with care.`,
            );
          accepted.push(runs);
          break;
        }
        log(
          `round ${round}: the load moved by ${fmt(spread, 2)} (> ${tolerance}) between runs: running the round again.`,
        );
      }
    }
    const summary = accepted.map((runs) => ratios(runs, gib));
    for (const [i, s] of summary.entries())
      for (const [peer, r] of Object.entries(s))
        log(
          `round ${i + 1} obc/${peer}: throughput ${fmt(r.throughput, 2)}×, CPU-s/GiB ${fmt(r.cpu, 2)}×, peak RSS ${fmt(r.rss, 2)}×, output ${fmt(r.size, 3)}×`,
        );
    process.stdout.write(
      JSON.stringify({
        bench: 'backup',
        tree,
        files: info.files,
        bytes: info.bytes,
        rounds: accepted,
        ratios: summary,
      }) + '\n',
    );
    process.exitCode = accepted.flat().every((r) => r.ok) ? 0 : 1;
  } finally {
    if (!keep && !arg('dir')) await rm(base, { recursive: true, force: true });
    else log(`Kept ${base}`);
  }
}

/** obc against each peer of one round: throughput (peer time / obc time), CPU-s, peak RSS and output (obc / peer). */
function ratios(
  runs: Run[],
  gib: number,
): Record<string, { throughput: number; cpu: number; rss: number; size: number }> {
  const obc = runs.find((r) => r.tool === 'obc' && r.ok);
  const out: Record<string, { throughput: number; cpu: number; rss: number; size: number }> = {};
  if (!obc) return out;
  const cpu = (r: Run) => (r.userS + r.sysS) / gib;
  for (const p of runs.filter((r) => r.tool !== 'obc' && r.ok))
    out[p.tool] = {
      throughput: p.seconds / obc.seconds,
      cpu: cpu(obc) / cpu(p),
      rss: obc.peakRssKiB / p.peakRssKiB,
      size: obc.outBytes / p.outBytes,
    };
  return out;
}

/**
 * `--files 10000,200000`: one bench per count (each its own generated tree, the other options passed on), then the
 * peak RSS of obc at each count and the growth between consecutive counts and from the first to the last: flat means
 * a few MB.
 */
async function perFileCount(counts: number[]): Promise<void> {
  const rest = process.argv.slice(2).filter((a, i, all) => a !== '--files' && all[i - 1] !== '--files');
  // obc, and obc-before with --baseline: each one's peaks and growth.
  const tools = ['obc', ...(arg('baseline') ? ['obc-before'] : [])];
  const peaks: Array<{ files: number; peakMB: number[]; beforeMB?: number[] }> = [];
  for (const n of counts) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...rest, '--files', String(n)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    process.stdout.write(r.stdout);
    const json = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{"bench"'))
      .pop();
    const sum = json ? (JSON.parse(json) as { rounds: Run[][] }) : null;
    const of = (tool: string) =>
      (sum?.rounds.flat() ?? []).filter((x) => x.tool === tool && x.ok).map((x) => x.peakRssKiB / 1024);
    peaks.push({ files: n, peakMB: of('obc'), ...(arg('baseline') ? { beforeMB: of('obc-before') } : {}) });
  }
  for (const tool of tools) {
    const mb = (p: (typeof peaks)[number]) => (tool === 'obc' ? p.peakMB : (p.beforeMB ?? []));
    for (const p of peaks)
      process.stdout.write(
        `${tool} peak RSS with ${p.files} files: ${
          mb(p)
            .map((m) => fmt(m, 0))
            .join(', ') || 'no run'
        } MB\n`,
      );
    // Each step, then first to last: a step in the curve (something that happens only above some size) shows
    // apart from a steady growth per file.
    const pairs = peaks.slice(1).map((p, i) => [peaks[i], p] as const);
    if (pairs.length > 1) pairs.push([peaks[0], peaks[peaks.length - 1]]);
    for (const [a, b] of pairs) {
      const from = mb(a);
      const to = mb(b);
      if (!from.length || !to.length) continue;
      const growth = Math.max(...to) - Math.min(...from);
      process.stdout.write(
        `${tool} peak RSS growth from ${a.files} to ${b.files} files: ${fmt(growth, 0)} MB (${fmt((growth * 1024 * 1024) / (b.files - a.files), 0)} bytes per file)\n`,
      );
    }
  }
  process.stdout.write(JSON.stringify({ bench: 'backup-files', peaks }) + '\n');
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const counts = (arg('files') ?? '').split(',').filter(Boolean).map(Number);
  if (counts.length > 1) await perFileCount(counts);
  else await main();
}
