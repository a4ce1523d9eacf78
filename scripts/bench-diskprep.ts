/**
 * `npm run bench -- diskprep [--size 1G] [--pack 64M] [--disks 1,2,3] [--rounds 1] [--dir <folder>]
 *   [--disk-dirs <a,b,c>] [--no-sync] [--no-verify-source] [--seed-format 4|3|2|1|1,2,3,4]`
 *
 * Disk Prep onto 1, 2 and 3 folder disks (each in its own folder: under --dir, or one per --disk-dirs entry to put
 * them on separate devices), all disks of a run filled at once, against the peer in the same run: `cp` of the same
 * files onto the same number of folders, `sync` of them and `md5sum` of the copies, one shell per disk, all at once.
 * Reports aggregate throughput (data bytes / wall time, copy + read-back for Disk Prep, cp + sync + md5sum for the
 * peer), CPU seconds per GiB (all threads; the peer's children through /usr/bin/time) and what limits each run: the
 * worker time per kind of work (staging read, disk write + fsync + read-back, hashing) and how busy the cores were.
 * CPU per GiB is also given per phase: the worker threads' CPU in the copy jobs and in the read-back jobs (each with
 * its system time: the read/write calls), and the rest (of which the main thread: journal, manifest, progress
 * messages; the remainder is the fsyncs on the libuv pool, worker start-up and GC), and whether the copy read the
 * staging and wrote the disks with O_DIRECT or through the page cache. `--seed-format`: the staging's seed.json is
 * format 2 (the backup's page-range MD5s: the copy hashes each range once and compares), 3 (the same, its range MD5s
 * read from the side file seed-ranges.bin per file), 4 (the default, what the backup writes since session 10: format 3
 * without the whole-file MD5; the journal and BOM record the seed's SHA-256 instead) or 1 (a seed from before them:
 * SHA-256 + whole-file MD5 + range MD5 while copying); a list (`1,2,3,4`) runs them on the same staging, side by side.
 * Prints one JSON summary line at the end.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDiskPrep } from '../electron/services/diskprep/engine.ts';
import { FolderDiskProvider, initFolderDisk, parseSize } from '../electron/services/diskprep/folder-disk.ts';
import { keyProtector } from '../electron/services/diskprep/drives-file.ts';
import { planDisks } from '../electron/services/diskprep/planner.ts';
import { finishStaging, testCredential } from '../electron/services/diskprep/test-staging.ts';
import type { DiskPrepBusy } from '../shared/contract/diskprep.ts';
import { sealSeed } from '../electron/services/backup/job-files.ts';
import { listedFile } from '../electron/services/backup/descriptor.ts';
import { writeSeedRanges } from '../electron/services/seed-ranges-file.ts';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const size = parseSize(opt('size', '1G'));
const pack = parseSize(opt('pack', '64M'));
const counts = opt('disks', '1,2,3').split(',').map(Number);
const rounds = Number(opt('rounds', '1'));
const sync = !args.includes('--no-sync');
const verifySource = !args.includes('--no-verify-source');
const seedFormats = opt('seed-format', '4')
  .split(',')
  .map((v) => {
    if (!['1', '2', '3', '4'].includes(v)) throw new Error(`--seed-format takes 1, 2, 3, 4 or a list (got ${v})`);
    return Number(v) as 1 | 2 | 3 | 4;
  });
const base = await mkdtemp(join(opt('dir', tmpdir()), 'obc-bench-diskprep-'));
const diskDirs = opt('disk-dirs', '').split(',').filter(Boolean);
const JOB = 'benchjob';
const PASSPHRASE = 'benchmark passphrase 123';
const GiB = 2 ** 30;
const cores = availableParallelism();
const log = (s: string) => process.stderr.write(s + '\n');
const useTime = spawnSync('test', ['-x', '/usr/bin/time']).status === 0;

/** Runs one shell per disk at once; resolves with the wall time and the children's CPU seconds (via /usr/bin/time). */
async function shells(scripts: string[]): Promise<{ ms: number; cpuS: number | null }> {
  const t = performance.now();
  const cpu = await Promise.all(
    scripts.map(
      (script) =>
        new Promise<number | null>((resolve, reject) => {
          const child = useTime
            ? spawn('/usr/bin/time', ['-f', 'CPU %U %S', 'sh', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'] })
            : spawn('sh', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          child.stderr.on('data', (d: Buffer) => (err += d.toString()));
          child.on('error', reject);
          child.on('close', (code) => {
            if (code !== 0) return reject(new Error(`peer failed (${code}): ${err}`));
            const m = /CPU ([\d.]+) ([\d.]+)/.exec(err);
            resolve(m ? Number(m[1]) + Number(m[2]) : null);
          });
        }),
    ),
  );
  return { ms: performance.now() - t, cpuS: cpu.every((c) => c !== null) ? cpu.reduce((a, c) => a! + c!, 0) : null };
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const folderFor = (n: number, i: number, round: number, what: string) =>
  join(diskDirs[i] ?? base, `${what}-${n}-${round}-${i}`);

/** What limited the run: the cores (busy ≥ 80 %), else the kind of work the workers spent most of their time on. */
function limit(
  busy: DiskPrepBusy,
  cpuS: number,
  wallS: number,
  load: number,
): { verdict: string; coreBusy: number; shares: Record<string, number> } {
  const work = {
    stagingRead: busy.stagingRead,
    disks: busy.diskWrite + busy.fsync + busy.readBackRead,
    hashing: busy.copyHash + busy.readBackHash,
  };
  const sum = work.stagingRead + work.disks + work.hashing || 1;
  const shares = Object.fromEntries(Object.entries(work).map(([k, v]) => [k, +(v / sum).toFixed(3)]));
  const coreBusy = +(cpuS / (wallS * cores)).toFixed(3);
  const top = (Object.entries(work) as Array<[string, number]>).sort((a, b) => b[1] - a[1])[0][0];
  // Other work on the machine (load average above the cores) takes the CPU this run would use: the figures then say
  // more about that share than about Disk Prep.
  const verdict =
    coreBusy >= 0.8
      ? 'CPU (cores busy)'
      : top === 'hashing'
        ? load >= cores
          ? `CPU (hashing; the machine is shared: load ${load.toFixed(1)} on ${cores} cores)`
          : 'CPU (hashing)'
        : top === 'disks'
          ? 'the disks'
          : 'the staging read';
  return { verdict, coreBusy, shares };
}

try {
  // Staging: random packs, each a multiple of 512 bytes, with the catalog, descriptor and seed.json Disk Prep checks.
  const folder = join(base, 'staging', JOB);
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
  // The format-2 seed.json (the packs' MD5s hashed here once, as the backup's read-back would); the format-1 one is
  // the same seed without them (the same catalog and descriptor), as a backup from before them wrote it.
  // Format 3 is format 2 with the range MD5s moved into the side file seed-ranges.bin (written here once; the other
  // two formats do not name it); format 4 is format 3 without the whole-file MD5s.
  const seed = await finishStaging(folder, JOB, files, { container: 'bench', passphrase: PASSPHRASE, seedFormat: 2 });
  const side = await writeSeedRanges(folder, seed.files);
  const seedText = {
    4: JSON.stringify(
      sealSeed({
        ...seed,
        formatVersion: 4,
        files: side.files.map(({ md5: _md5, ...f }) => f),
        rangeMd5s: side.entry,
      }),
    ),
    3: JSON.stringify(sealSeed({ ...seed, formatVersion: 3, files: side.files, rangeMd5s: side.entry })),
    2: JSON.stringify(seed),
    1: JSON.stringify(sealSeed({ ...seed, formatVersion: 1, files: seed.files.map(listedFile) })),
  };
  const useSeed = (format: 1 | 2 | 3 | 4) => writeFile(join(folder, 'seed.json'), seedText[format]);
  execFileSync('sync');
  const bytes = seed.files.reduce((s, f) => s + f.length, 0);
  log(
    `staging: ${seed.files.length} files, ${(bytes / GiB).toFixed(2)} GiB in ${base}; ${cores} cores; disks in ${diskDirs.length ? diskDirs.join(', ') : base}`,
  );

  const results = [];
  for (const n of counts) {
    // Capacity so the planner spreads the data over all n disks; the peer copies the same files onto the same disks.
    // The smallest capacity (in steps of a quarter pack) that fits the job on n disks, every disk taking data.
    const planFor = (cap: number) =>
      planDisks(
        seed.files.map((f) => ({ path: f.path, length: f.length })),
        Array.from({ length: n }, (_, i) => ({ serial: `D${i}`, capacityBytes: cap })),
      );
    let capacity = Math.ceil(bytes / n) + 2 * 1024 * 1024;
    while (!planFor(capacity).fits) capacity += Math.ceil(pack / 4);
    const plan = planFor(capacity);
    if (plan.disks.some((d) => d.files.length === 0))
      throw new Error(
        `${n} disks: the data (${seed.files.length} files) does not spread over every disk; use a larger --size or a smaller --pack.`,
      );
    for (let round = 0; round < rounds; round++)
      for (const seedFormat of seedFormats) {
        await useSeed(seedFormat);
        // Peer: cp + sync + md5sum per disk, all disks at once.
        const dests = plan.disks.map((_, i) => folderFor(n, i, round, 'cp'));
        for (const d of dests) await mkdir(d, { recursive: true });
        execFileSync('sync');
        const peer = await shells(
          plan.disks.map((d, i) => {
            const src = d.files.map((p) => q(join(folder, p))).join(' ');
            const out = d.files.map((p) => q(join(dests[i], p.split('/').pop()!))).join(' ');
            return `cp ${src} ${q(dests[i])} && sync ${out} && md5sum ${out}`;
          }),
        );
        for (const d of dests) await rm(d, { recursive: true });

        // Disk Prep onto n folder disks, filled at once.
        const disks = [];
        for (let i = 0; i < n; i++) {
          const dir = folderFor(n, i, round, 'disk');
          await initFolderDisk(dir, `B${n}R${round}D${i}`, capacity);
          disks.push({ id: dir });
        }
        execFileSync('sync');
        const load = loadavg()[0];
        const c0 = process.cpuUsage();
        const m0 = process.threadCpuUsage();
        const t0 = performance.now();
        const res = await runDiskPrep({
          stagingLocation: join(base, 'staging'),
          job: JOB,
          disks,
          providers: { folder: new FolderDiskProvider() },
          credential: testCredential,
          passphrase: PASSPHRASE,
          protector: keyProtector(Buffer.alloc(32, 1), { kind: 'bench' }),
          sync,
          verifySource,
        });
        const wallS = (performance.now() - t0) / 1000;
        const c = process.cpuUsage(c0);
        const m = process.threadCpuUsage(m0);
        const cpuS = (c.user + c.system) / 1e6;
        if (res.drives.length !== n) throw new Error(`Disk Prep used ${res.drives.length} of ${n} disks`);
        await rm(join(base, 'staging', `${JOB}.diskprep`), { recursive: true, force: true });
        for (const d of disks) await rm(d.id, { recursive: true });

        const lim = limit(res.busyMs!, cpuS, wallS, Math.max(load, loadavg()[0]));
        const perGiB = (ms: number | undefined) => (ms === undefined ? null : +(ms / 1000 / (bytes / GiB)).toFixed(2));
        const copyCpu = perGiB(res.busyMs!.copyCpu);
        const readBackCpu = perGiB(res.busyMs!.readBackCpu);
        const copySys = perGiB(res.busyMs!.copyCpuSys);
        const readBackSys = perGiB(res.busyMs!.readBackCpuSys);
        const row = {
          disks: n,
          round: round + 1,
          seedFormat,
          loadAverage: +load.toFixed(2),
          diskPrepMBps: +(bytes / wallS / 1e6).toFixed(1),
          peerMBps: +(bytes / (peer.ms / 1000) / 1e6).toFixed(1),
          ratioVsPeer: +(peer.ms / 1000 / wallS).toFixed(3),
          diskPrepCpuSPerGiB: +(cpuS / (bytes / GiB)).toFixed(2),
          /** Per phase: worker threads in the copy jobs, in the read-back jobs, and the rest of the process. */
          cpuSPerGiB: {
            copyWorkers: copyCpu,
            copyWorkersSystem: copySys,
            readBackWorkers: readBackCpu,
            readBackWorkersSystem: readBackSys,
            /** Of the rest: the main thread (journal, manifest, messages); the others are worker start-up, GC, fsyncs. */
            mainThread: +((m.user + m.system) / 1e6 / (bytes / GiB)).toFixed(2),
            rest:
              copyCpu === null || readBackCpu === null
                ? null
                : +(cpuS / (bytes / GiB) - copyCpu - readBackCpu).toFixed(2),
          },
          peerCpuSPerGiB: peer.cpuS === null ? null : +(peer.cpuS / (bytes / GiB)).toFixed(2),
          busySeconds: Object.fromEntries(Object.entries(res.busyMs!).map(([k, v]) => [k, +(v / 1000).toFixed(2)])),
          coreBusy: lim.coreBusy,
          workShares: lim.shares,
          limitedBy: lim.verdict,
          readBackDirect: res.readBackDirect,
          /** Whether the copy read the staging and wrote the disks with O_DIRECT (else through the page cache). */
          copyDirect: res.copyDirect,
        };
        results.push(row);
        log(
          `${n} disk(s), round ${round + 1}, seed format ${seedFormat} (load ${row.loadAverage}): Disk Prep ${row.diskPrepMBps} MB/s, ${row.diskPrepCpuSPerGiB} CPU-s/GiB (copy workers ${copyCpu ?? '?'} of which system ${copySys ?? '?'}, read-back workers ${readBackCpu ?? '?'} of which system ${readBackSys ?? '?'}, rest ${row.cpuSPerGiB.rest ?? '?'} of which main thread ${row.cpuSPerGiB.mainThread}; copy read ${res.copyDirect.read ? 'O_DIRECT' : 'cached'}, write ${res.copyDirect.write ? 'O_DIRECT' : 'cached'}) · cp+sync+md5sum ${row.peerMBps} MB/s, ${row.peerCpuSPerGiB ?? '?'} CPU-s/GiB · ratio ${row.ratioVsPeer} · cores ${Math.round(100 * lim.coreBusy)} % busy, work: staging read ${Math.round(100 * lim.shares.stagingRead)} %, disks ${Math.round(100 * lim.shares.disks)} %, hashing ${Math.round(100 * lim.shares.hashing)} % → limited by ${lim.verdict}`,
        );
      }
  }
  const one = results.find((r) => r.disks === 1);
  process.stdout.write(
    JSON.stringify({
      bench: 'diskprep',
      bytes,
      packBytes: pack,
      cores,
      fsyncPerFile: sync,
      verifySourceSha256: verifySource,
      seedFormats,
      diskDirs: diskDirs.length ? diskDirs : 'one file system',
      results,
      /** Aggregate throughput with n disks over the same run's 1-disk figure (1.0 = no gain from more disks). */
      scaling: one
        ? Object.fromEntries(
            results
              .filter((r) => r.round === 1 && r.seedFormat === one.seedFormat)
              .map((r) => [`${r.disks}`, +(r.diskPrepMBps / one.diskPrepMBps).toFixed(3)]),
          )
        : null,
      loadAverageEnd: loadavg()[0],
    }) + '\n',
  );
} finally {
  await rm(base, { recursive: true, force: true });
}
