/**
 * `npm run bench -- backup [--size 1G] [--dir <tmp>] [--keep] [--tools obc,restic,borg]`
 *
 * Generates a reproducible mixed corpus (seeded: text, binaries, already-compressed media, duplicates, many small
 * files) in a temp dir, then backs it up with this engine (the CLI, as a child process), `restic backup` and
 * `borg create` when installed (nothing is installed here: a missing peer is named and skipped). Prints MB/s, output
 * size and peak RSS per tool, then obc/restic and obc/borg ratios.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../electron/cli/index.ts', import.meta.url));
const PASS = 'benchmark passphrase, not a secret';

function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?$/i.exec(s.trim());
  if (!m) throw new Error(`--size ${s}: use e.g. 512M, 1G, 4G`);
  return Math.round(Number(m[1]) * 1024 ** ' KMGT'.indexOf((m[2] || ' ').toUpperCase()));
}

/** Seeded xorshift for choices; AES-CTR keystream for bulk random bytes. */
function rng(seed: number) {
  let s = seed | 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const key = Buffer.alloc(16);
  key.writeInt32LE(seed, 0);
  const ctr = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return { next, int: (a: number, b: number) => a + Math.floor(next() * (b - a + 1)), bytes: (n: number) => ctr.update(Buffer.alloc(n)) };
}

const WORDS = 'backup restore azure disk import export staging pack chunk catalog server volume folder file report error warning policy retention schedule daily weekly monthly tenant subscription storage container blob page manifest journal verify encrypt passphrase the a of to and in is for on with as by at from'.split(' ');

function textBlock(r: ReturnType<typeof rng>, n: number): Buffer {
  const parts: string[] = [];
  let len = 0;
  while (len < n) {
    const line = `${new Date(1.7e12 + r.int(0, 1e10)).toISOString()} ${Array.from({ length: r.int(4, 14) }, () => WORDS[r.int(0, WORDS.length - 1)]).join(' ')} id=${r.int(0, 1e6)}\n`;
    parts.push(line);
    len += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, n);
}

/** "Executable-like": random blocks, zero runs and repeated tables. */
function binaryBlock(r: ReturnType<typeof rng>, n: number): Buffer {
  const out = Buffer.alloc(n);
  const table = r.bytes(4096);
  for (let pos = 0; pos < n; ) {
    const kind = r.int(0, 2);
    const len = Math.min(n - pos, r.int(256, 16384));
    if (kind === 0) r.bytes(len).copy(out, pos);
    else if (kind === 1) table.copy(out, pos, 0, Math.min(len, table.length));
    pos += len;
  }
  return out;
}

export async function makeCorpus(dir: string, total: number, seed = 20261122): Promise<{ files: number; bytes: number }> {
  const r = rng(seed);
  let bytes = 0;
  let files = 0;
  const put = async (rel: string, data: Buffer) => {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), data);
    bytes += data.length;
    files++;
  };
  const share = { text: 0.3, bin: 0.2, media: 0.3, dup: 0.1, small: 0.1 };
  const originals: string[] = [];
  for (let i = 0, b = 0; b < total * share.text; i++) {
    const n = Math.max(4096, Math.min(r.int(64 << 10, 16 << 20), total * share.text - b));
    await put(`text/log-${i}.txt`, textBlock(r, n));
    originals.push(`text/log-${i}.txt`);
    b += n;
  }
  for (let i = 0, b = 0; b < total * share.bin; i++) {
    const n = Math.max(4096, Math.min(r.int(256 << 10, 32 << 20), total * share.bin - b));
    await put(`bin/prog-${i}.bin`, binaryBlock(r, n));
    originals.push(`bin/prog-${i}.bin`);
    b += n;
  }
  for (let i = 0, b = 0; b < total * share.media; i++) {
    const n = Math.max(4096, Math.min(r.int(1 << 20, 64 << 20), total * share.media - b));
    await put(`media/clip-${i}.mp4`, r.bytes(n));
    originals.push(`media/clip-${i}.mp4`);
    b += n;
  }
  for (let i = 0, b = 0; b < total * share.dup && originals.length && i < 100_000; i++) {
    const from = originals[r.int(0, originals.length - 1)];
    if ((await stat(join(dir, from))).size > total * share.dup - b + (1 << 20)) continue;
    const data = readFileSync(join(dir, from));
    // Every other duplicate is shifted by a small header, as an edited copy would be.
    const copy = i % 2 ? Buffer.concat([Buffer.from(`edited copy ${i}\n`), data]) : data;
    await put(`dups/copy-${i}-${from.replace(/\//g, '_')}`, copy);
    b += copy.length;
  }
  for (let i = 0, b = 0; b < total * share.small; i++) {
    const n = r.int(200, 16 << 10);
    await put(`small/d${i % 100}/f${i}.${i % 3 ? 'txt' : 'bin'}`, i % 3 ? textBlock(r, n) : binaryBlock(r, n));
    b += n;
  }
  return { files, bytes };
}

async function du(path: string): Promise<number> {
  const st = await stat(path);
  if (!st.isDirectory()) return st.size;
  let sum = 0;
  for (const n of await readdir(path)) sum += await du(join(path, n));
  return sum;
}

interface Measure {
  tool: string;
  seconds: number;
  outBytes: number;
  peakRssKiB: number;
  ok: boolean;
  note?: string;
}

/** Runs a command under GNU time (peak RSS) when available, else polls /proc/<pid>/status VmHWM. */
function timed(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; seconds: number; peakRssKiB: number; stderr: string }> {
  const gnuTime = existsSync('/usr/bin/time');
  const t0 = process.hrtime.bigint();
  const child = gnuTime
    ? spawn('/usr/bin/time', ['-f', 'OBC_PEAK_RSS=%M', cmd, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let hwm = 0;
  child.stderr.on('data', (d) => (stderr += d));
  const poll = gnuTime
    ? null
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) hwm = Math.max(hwm, Number(m[1]));
        } catch {
          /* exited */
        }
      }, 50);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      if (poll) clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = /OBC_PEAK_RSS=(\d+)/.exec(stderr);
      resolve({ code: code ?? 1, seconds, peakRssKiB: m ? Number(m[1]) : hwm, stderr: stderr.replace(/OBC_PEAK_RSS=\d+\n?/, '') });
    });
  });
}

const has = (bin: string) => spawnSync('which', [bin], { encoding: 'utf8' }).status === 0;

async function main(): Promise<void> {
  const size = parseSize(arg('size', '1G')!);
  const tools = (arg('tools', 'obc,restic,borg') ?? '').split(',');
  const base = arg('dir') ?? (await mkdtemp(join(tmpdir(), 'obc-bench-')));
  const corpus = join(base, 'corpus');
  const keep = process.argv.includes('--keep');
  const log = (s: string) => process.stdout.write(s + '\n');
  try {
    let info: { files: number; bytes: number };
    if (existsSync(join(corpus, '.done'))) info = JSON.parse(readFileSync(join(corpus, '.done'), 'utf8'));
    else {
      log(`Generating a ${(size / 2 ** 30).toFixed(2)} GiB mixed corpus in ${corpus} …`);
      await rm(corpus, { recursive: true, force: true });
      info = await makeCorpus(corpus, size);
      await writeFile(join(corpus, '.done'), JSON.stringify(info));
    }
    log(`Corpus: ${info.files} files, ${(info.bytes / 1e6).toFixed(0)} MB (text 30%, binaries 20%, media 30%, duplicates 10%, small files 10%).`);
    const results: Measure[] = [];
    const passFile = join(base, 'pass.txt');
    await writeFile(passFile, PASS);
    const run = async (tool: string, out: string, cmd: string, args: string[], env: Record<string, string> = {}, init?: () => void) => {
      await rm(out, { recursive: true, force: true });
      init?.();
      const r = await timed(cmd, args, env);
      const m: Measure = { tool, seconds: r.seconds, outBytes: await du(out).catch(() => 0), peakRssKiB: r.peakRssKiB, ok: r.code === 0 || (tool === 'restic' && r.code === 3) || (tool === 'borg' && r.code === 1) };
      if (!m.ok) m.note = r.stderr.trim().split('\n').slice(-3).join(' | ');
      results.push(m);
      log(`${tool.padEnd(7)} ${(info.bytes / 1e6 / r.seconds).toFixed(1).padStart(7)} MB/s  out ${(m.outBytes / 1e6).toFixed(1).padStart(8)} MB  peak RSS ${(r.peakRssKiB / 1024).toFixed(0).padStart(5)} MB  ${r.seconds.toFixed(1)} s${m.ok ? '' : `  FAILED: ${m.note}`}`);
    };
    if (tools.includes('obc')) {
      await run('obc', join(base, 'obc-staging'), process.execPath, [CLI, 'backup', '--items', corpus, '--staging', join(base, 'obc-staging'), '--job', 'bench', '--passphrase-file', passFile]);
    }
    if (tools.includes('restic')) {
      if (!has('restic')) log('restic: not installed (Debian package "restic"); skipped.');
      else {
        const repo = join(base, 'restic-repo');
        const env = { RESTIC_PASSWORD: PASS, XDG_CACHE_HOME: join(base, 'restic-cache') };
        await run('restic', repo, 'restic', ['backup', '--repo', repo, '--quiet', corpus], env, () => {
          spawnSync('restic', ['init', '--repo', repo], { env: { ...process.env, ...env }, stdio: 'ignore' });
        });
      }
    }
    if (tools.includes('borg')) {
      if (!has('borg')) log('borg: not installed (Debian package "borgbackup"); skipped.');
      else {
        const repo = join(base, 'borg-repo');
        const env = { BORG_PASSPHRASE: PASS, BORG_BASE_DIR: join(base, 'borg-base'), BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes' };
        await run('borg', repo, 'borg', ['create', `${repo}::bench`, corpus], env, () => {
          spawnSync('borg', ['init', '--encryption=repokey', repo], { env: { ...process.env, ...env }, stdio: 'ignore' });
        });
      }
    }
    const obc = results.find((r) => r.tool === 'obc');
    for (const peer of results.filter((r) => r.tool !== 'obc')) {
      if (!obc || !obc.ok || !peer.ok) continue;
      log(`obc/${peer.tool}: throughput ${(peer.seconds / obc.seconds).toFixed(2)}×, size ${(obc.outBytes / peer.outBytes).toFixed(3)}×, peak RSS ${(obc.peakRssKiB / peer.peakRssKiB).toFixed(2)}×`);
    }
    process.exitCode = results.every((r) => r.ok) ? 0 : 1;
  } finally {
    if (!keep && !arg('dir')) await rm(base, { recursive: true, force: true });
    else log(`Kept ${base}`);
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main();
