/**
 * `node scripts/bench-backup-rss.ts --corpus <dir> [--out <dir>] [--every 250] [--trace]`
 *
 * Memory profile of one `obc backup` (the CLI, as a child process) of an existing folder: a generated corpus (make
 * one with `npm run bench -- backup --tools obc --dir <d> --keep`, then pass `<d>/corpus`) or any tree. Samples the child's
 * /proc/<pid>/status (VmRSS, VmHWM) and, from inside the child, process.memoryUsage() (JS heap, external,
 * ArrayBuffers; main thread only: workers are not in these), and prints the peak of each plus the throughput. `--trace` prints every sample.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { lstat, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../electron/cli/index.ts', import.meta.url));

function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

/** Preloaded into the child: writes one JSON line of process.memoryUsage() to fd 3 every `every` ms. */
const probe = (every: number) =>
  `data:text/javascript,${encodeURIComponent(`
import { writeSync } from 'node:fs';
const t0 = Date.now();
const tick = () => { try { const m = process.memoryUsage(); writeSync(3, JSON.stringify({ t: Date.now() - t0, heap: m.heapUsed, tot: m.heapTotal, ext: m.external, ab: m.arrayBuffers }) + '\\n'); } catch {} };
setInterval(tick, ${every}).unref();
`)}`;

async function du(path: string): Promise<number> {
  const st = await stat(path);
  if (!st.isDirectory()) return st.size;
  let sum = 0;
  for (const n of await readdir(path)) sum += await du(join(path, n));
  return sum;
}

/** Regular files under `path` (links not followed) and their bytes. */
async function treeSize(path: string): Promise<{ files: number; bytes: number }> {
  const st = await lstat(path);
  if (st.isFile()) return { files: 1, bytes: st.size };
  if (!st.isDirectory()) return { files: 0, bytes: 0 };
  const sub = await Promise.all((await readdir(path)).map((n) => treeSize(join(path, n))));
  return { files: sub.reduce((s, x) => s + x.files, 0), bytes: sub.reduce((s, x) => s + x.bytes, 0) };
}

async function main(): Promise<void> {
  const corpus = arg('corpus');
  if (!corpus) throw new Error('--corpus <dir> is required');
  const every = Number(arg('every', '250'));
  const trace = process.argv.includes('--trace');
  const base = await mkdtemp(join(tmpdir(), 'obc-rss-'));
  const out = arg('out') ?? join(base, 'staging');
  const pass = join(base, 'pass.txt');
  await writeFile(pass, 'benchmark passphrase, not a secret', { mode: 0o600 });
  const info = existsSync(join(corpus, '.done'))
    ? (JSON.parse(readFileSync(join(corpus, '.done'), 'utf8')) as { files: number; bytes: number })
    : await treeSize(corpus);
  await rm(out, { recursive: true, force: true });
  const mb = (b: number) => (b / 2 ** 20).toFixed(0).padStart(5);
  const peak = { rss: 0, hwm: 0, heap: 0, tot: 0, ext: 0, ab: 0 };
  const t0 = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [
      '--import',
      probe(every),
      CLI,
      'backup',
      '--items',
      corpus,
      '--staging',
      out,
      '--job',
      'bench',
      '--passphrase-file',
      pass,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  let last = { heap: 0, tot: 0, ext: 0, ab: 0 };
  let rest = '';
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop()!;
    for (const l of lines) {
      const m = JSON.parse(l) as { t: number; heap: number; tot: number; ext: number; ab: number };
      last = m;
      peak.heap = Math.max(peak.heap, m.heap);
      peak.tot = Math.max(peak.tot, m.tot);
      peak.ext = Math.max(peak.ext, m.ext);
      peak.ab = Math.max(peak.ab, m.ab);
    }
  });
  const poll = setInterval(() => {
    try {
      const s = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) * 1024;
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0) * 1024;
      peak.rss = Math.max(peak.rss, rss);
      peak.hwm = Math.max(peak.hwm, hwm);
      if (trace) {
        const t = Number(process.hrtime.bigint() - t0) / 1e9;
        process.stdout.write(
          `${t.toFixed(1).padStart(6)} s  rss ${mb(rss)}  hwm ${mb(hwm)}  heap ${mb(last.heap)}/${mb(last.tot)}  ext ${mb(last.ext)}  ab ${mb(last.ab)} MiB\n`,
        );
      }
    } catch {
      /* exited */
    }
  }, every);
  const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? 1)));
  clearInterval(poll);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const outBytes = await du(out).catch(() => 0);
  process.stdout.write(
    `obc backup of ${info.files} files, ${(info.bytes / 1e6).toFixed(0)} MB: exit ${code}, ${seconds.toFixed(1)} s, ${(info.bytes / 1e6 / seconds).toFixed(1)} MB/s, ` +
      `out ${(outBytes / 1e6).toFixed(1)} MB\n  peak VmHWM ${mb(peak.hwm)} MiB (${(peak.hwm / 1e6).toFixed(0)} MB)  VmRSS ${mb(peak.rss)}  JS heap used ${mb(peak.heap)} / total ${mb(peak.tot)}  external ${mb(peak.ext)}  ArrayBuffers ${mb(peak.ab)} MiB\n`,
  );
  if (code !== 0) process.stdout.write(stderr.trim().split('\n').slice(-5).join('\n') + '\n');
  if (!arg('out')) await rm(base, { recursive: true, force: true });
  process.exitCode = code === 0 || code === 3 ? 0 : 1;
}

await main();
