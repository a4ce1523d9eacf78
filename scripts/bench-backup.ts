/**
 * `npm run bench -- backup [--size 1G] [--dir <tmp>] [--keep] [--tools obc,restic,borg]`
 *
 * Generates a reproducible mixed corpus (seeded: text, binaries, already-compressed media, duplicates, many small
 * files) in a temp dir, then backs it up with this engine (the CLI, as a child process), `restic backup` and
 * `borg create` when installed (nothing is installed here: a missing peer is named and skipped). Prints MB/s, output
 * size and peak RSS per tool, then obc/restic and obc/borg ratios.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCorpus } from './bench-corpus.ts';

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
