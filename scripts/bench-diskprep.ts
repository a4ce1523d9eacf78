/**
 * `npm run bench -- diskprep [--size 2G] [--pack 64M] [--dir <folder on the FS to test>] [--no-sync] [--no-verify-source]`
 *
 * Copies the same staging data onto folder disks on the same file system with Disk Prep and, in the same run,
 * with `cp` of the same files (throughput ratio, target >= 0.9), and compares Disk Prep's read-back with `md5sum`
 * of the same files (target >= 0.9). Prints one JSON summary line at the end.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDiskPrep } from '../electron/services/diskprep/engine.ts';
import { FolderDiskProvider, initFolderDisk, parseSize } from '../electron/services/diskprep/folder-disk.ts';
import { keyProtector } from '../electron/services/diskprep/drives-file.ts';
import { finishStaging, testCredential } from '../electron/services/diskprep/test-helpers.ts';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const size = parseSize(opt('size', '2G'));
const pack = parseSize(opt('pack', '64M'));
const sync = !args.includes('--no-sync');
const verifySource = !args.includes('--no-verify-source');
const base = await mkdtemp(join(opt('dir', tmpdir()), 'obc-bench-diskprep-'));
const JOB = 'benchjob';
const PASSPHRASE = 'benchmark passphrase 123';
const MB = (n: number) => `${(n / 1e6).toFixed(0)} MB/s`;
const log = (s: string) => process.stderr.write(s + '\n');

try {
  // Staging: random packs, each a multiple of 512 bytes.
  const stagingLocation = join(base, 'staging');
  const folder = join(stagingLocation, JOB);
  await mkdir(join(folder, 'packs'), { recursive: true });
  const files: Array<{ path: string; length: number; sha256: string }> = [];
  const buf = Buffer.allocUnsafe(pack);
  for (let off = 0, i = 1; off < size; off += pack, i++) {
    const len = Math.min(pack, Math.ceil((size - off) / 512) * 512);
    randomFillSync(buf, 0, len);
    const path = `packs/${String(i).padStart(6, '0')}.pack`;
    await writeFile(join(folder, path), buf.subarray(0, len));
    files.push({ path, length: len, sha256: createHash('sha256').update(buf.subarray(0, len)).digest('hex') });
  }
  // Catalog (listing the packs), job descriptor and seed.json as Back Up Now writes them: Disk Prep checks them.
  await finishStaging(folder, JOB, files, { container: 'bench', passphrase: PASSPHRASE });
  execFileSync('sync');
  log(`staging: ${files.length} packs, ${(size / 2 ** 30).toFixed(2)} GiB in ${base}`);
  const paths = files.map((f) => join(folder, f.path));

  /** CPU seconds (user+sys) of a child, via /usr/bin/time when present (load-independent efficiency). */
  const timed = (cmd: string, argv: string[]): { ok: boolean; cpuS: number | null } => {
    const useTime = spawnSync('test', ['-x', '/usr/bin/time']).status === 0;
    const r = useTime ? spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', cmd, ...argv], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] }) : spawnSync(cmd, argv, { stdio: 'ignore' });
    const m = useTime ? /CPU ([\d.]+) ([\d.]+)/.exec(String(r.stderr)) : null;
    return { ok: r.status === 0, cpuS: m ? Number(m[1]) + Number(m[2]) : null };
  };
  const cpuCp: number[] = [];
  const cpuMd5: number[] = [];
  /** `cp` of the same files; with thenSync, followed by `sync` (what a durable copy costs). */
  const timeCp = async (round: number, thenSync = false): Promise<number> => {
    const dest = join(base, `cp-${round}-${thenSync}`);
    await mkdir(dest);
    execFileSync('sync');
    const t = performance.now();
    const r = timed('cp', [...paths, dest]);
    if (!r.ok) throw new Error('cp failed');
    if (!thenSync && r.cpuS !== null) cpuCp.push(r.cpuS);
    if (thenSync) execFileSync('sync');
    const ms = performance.now() - t;
    await rm(dest, { recursive: true });
    return ms;
  };
  const timeMd5sum = (dir: string[]): number => {
    const t = performance.now();
    const r = timed('md5sum', dir);
    if (!r.ok) throw new Error('md5sum failed');
    if (r.cpuS !== null) cpuMd5.push(r.cpuS);
    return performance.now() - t;
  };
  const timeOurs = async (round: number) => {
    execFileSync('sync');
    const disks = [];
    for (let d = 0; d < 2; d++) {
      const dir = join(base, `disk-${round}-${d}`);
      await initFolderDisk(dir, `BENCH${round}D${d}`, Math.ceil(size / 2) + 64 * pack);
      disks.push({ id: dir });
    }
    const c0 = process.cpuUsage();
    // CPU (all threads) per phase: load-independent, unlike wall time on a shared machine.
    const phaseCpu = { copy: 0, readback: 0 };
    let last = c0;
    let lastPhase = 'plan';
    const onProgress = (p: { phase: string }) => {
      if (p.phase === lastPhase) return;
      const now = process.cpuUsage();
      if (lastPhase === 'copy' || lastPhase === 'readback') phaseCpu[lastPhase] += (now.user - last.user + now.system - last.system) / 1e6;
      last = now;
      lastPhase = p.phase;
    };
    const res = await runDiskPrep({ stagingLocation, job: JOB, disks, providers: { folder: new FolderDiskProvider() }, credential: testCredential, passphrase: PASSPHRASE, protector: keyProtector(Buffer.alloc(32, 1), { kind: 'bench' }), sync, verifySource, onProgress });
    onProgress({ phase: 'end' });
    const c = process.cpuUsage(c0);
    const cpuS = (c.user + c.system) / 1e6;
    const onDisk = disks.flatMap((d) => files.map((f) => join(d.id, 'obc-session-1', JOB, ...f.path.split('/')))).filter((p) => spawnSync('test', ['-f', p]).status === 0);
    const md5ms = timeMd5sum(onDisk);
    await rm(join(base, 'staging', `${JOB}.diskprep`), { recursive: true, force: true });
    for (const d of disks) await rm(d.id, { recursive: true });
    return { copyMs: res.copyMs, readBackMs: res.readBackMs, md5ms, direct: res.readBackDirect, cpuS, copyCpuS: phaseCpu.copy, readBackCpuS: phaseCpu.readback };
  };

  const cp: number[] = [];
  const cpSync: number[] = [];
  const ours: Array<Awaited<ReturnType<typeof timeOurs>>> = [];
  for (let round = 0; round < 2; round++) {
    cp.push(await timeCp(round));
    cpSync.push(await timeCp(round, true));
    ours.push(await timeOurs(round));
    log(`round ${round + 1}: cp ${MB(size / (cp[round] / 1000))} · cp+sync ${MB(size / (cpSync[round] / 1000))} · Disk Prep copy ${MB(size / (ours[round].copyMs / 1000))} · read-back ${MB(size / (ours[round].readBackMs / 1000))} (${ours[round].direct ? 'O_DIRECT' : 'cached'}) · md5sum ${MB(size / (ours[round].md5ms / 1000))}`);
  }
  const best = (xs: number[]) => Math.min(...xs);
  const cpMs = best(cp);
  const copyMs = best(ours.map((o) => o.copyMs));
  const rbMs = best(ours.map((o) => o.readBackMs));
  const md5Ms = best(ours.map((o) => o.md5ms));
  const summary = {
    bench: 'diskprep',
    bytes: size,
    packBytes: pack,
    fsyncPerFile: sync,
    verifySourceSha256: verifySource,
    cpMBps: +(size / cpMs / 1000).toFixed(1),
    copyMBps: +(size / copyMs / 1000).toFixed(1),
    copyRatio: +(cpMs / copyMs).toFixed(3),
    cpSyncMBps: +(size / best(cpSync) / 1000).toFixed(1),
    copyRatioVsCpSync: +(best(cpSync) / copyMs).toFixed(3),
    md5sumMBps: +(size / md5Ms / 1000).toFixed(1),
    readBackMBps: +(size / rbMs / 1000).toFixed(1),
    readBackRatio: +(md5Ms / rbMs).toFixed(3),
    readBackDirect: ours.every((o) => o.direct),
    targets: { copyRatio: 0.9, readBackRatio: 0.9 },
    /** CPU seconds per GiB (all threads): Disk Prep's copy + read-back vs cp and md5sum of the same bytes. */
    cpuSecondsPerGiB: {
      diskPrepCopyAndReadBack: +(best(ours.map((o) => o.cpuS)) / (size / 2 ** 30)).toFixed(2),
      diskPrepCopy: +(best(ours.map((o) => o.copyCpuS)) / (size / 2 ** 30)).toFixed(2),
      diskPrepReadBack: +(best(ours.map((o) => o.readBackCpuS)) / (size / 2 ** 30)).toFixed(2),
      cp: cpuCp.length ? +(best(cpuCp) / (size / 2 ** 30)).toFixed(2) : null,
      md5sum: cpuMd5.length ? +(best(cpuMd5) / (size / 2 ** 30)).toFixed(2) : null,
    },
    loadAverage: loadavg()[0],
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
} finally {
  await rm(base, { recursive: true, force: true });
}
