/**
 * Issue 13 §2: Disk Prep bound to the backup it copies. The sequences found from outside, through the CLI:
 *  1. back up J, start Disk Prep, kill -9 it, `backup --overwrite` (other data), rerun Disk Prep;
 *  2. the same without a kill: a finished Disk Prep, then `backup --overwrite`, then Disk Prep again;
 *  3. the overwrite changes the number of packs.
 * Before the fix: the rerun exits 0 and the disks hold (part of) the earlier backup, or the engine crashes. Now: the
 * rerun refuses the disks of the earlier backup by name (both backups named, and what to do), and with the erase
 * confirmed (--yes) ends with disks that restore the new backup byte for byte, from the disks alone.
 * Then the kill -9 suite's form: Disk Prep killed at seeded points (bytes on the disks), `backup --overwrite`, rerun.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watch, readdirSync, lstatSync, type FSWatcher } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { diffTrees, prng } from '../../electron/services/backup/test-trees.ts';
import { catalogPathOf } from '../../electron/services/backup/scan.ts';
import { initFolderDisk } from '../../electron/services/diskprep/folder-disk.ts';
import { testCredential, writeSasFile } from '../../electron/services/diskprep/test-staging.ts';
import { SEED, cli, resultOf, rng, tempDir, writePassFile } from './test-cli.ts';

const POINTS = Number(process.env.OBC_FAULT_OVERWRITE_POINTS ?? 6);

const MiB = 1 << 20;
let dir: string;
let cleanup: () => Promise<void>;
let pf: string;
/** The manifests' container SAS from a file (no datacenter import here): every run writes the same one. */
let sas: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-fault-overwrite-'));
  pf = await writePassFile(dir);
  sas = await writeSasFile(dir, testCredential, 'faults');
});
afterAll(async () => cleanup?.());

/** A source tree of `files` random files of ~1 MiB (seeded: other seed, other bytes). */
async function corpus(src: string, seed: number, files: number): Promise<void> {
  await rm(src, { recursive: true, force: true });
  await mkdir(join(src, 'data'), { recursive: true });
  const rnd = prng(seed);
  for (let i = 0; i < files; i++) await writeFile(join(src, 'data', `f-${i}.bin`), rnd(MiB - 4096 + i * 512));
  await writeFile(join(src, 'note.txt'), `corpus ${seed}\n`);
}

interface Case {
  src: string;
  stagingLocation: string;
  job: string;
  disks: string[];
}
async function makeCase(name: string, diskCaps: number[]): Promise<Case> {
  const root = join(dir, name);
  const disks: string[] = [];
  for (const [i, cap] of diskCaps.entries()) {
    const d = join(root, `disk${i + 1}`);
    await initFolderDisk(d, `${name.toUpperCase().replace(/-/g, '')}${i + 1}`, cap);
    disks.push(d);
  }
  return { src: join(root, 'src'), stagingLocation: join(root, 'staging'), job: name, disks };
}

const backup = (c: Case, overwrite = false) =>
  cli([
    'backup',
    '--items',
    c.src,
    '--staging',
    c.stagingLocation,
    '--job',
    c.job,
    '--passphrase-file',
    pf,
    '--container',
    'seed',
    '--pack-size',
    String(MiB),
    '--json',
    ...(overwrite ? ['--overwrite'] : []),
  ]);
const diskprep = (c: Case, o: { yes?: boolean; haltAt?: string } = {}) =>
  cli(
    [
      'diskprep',
      `s:${c.stagingLocation}`,
      '--job',
      c.job,
      ...c.disks.flatMap((d) => ['--disk', d]),
      '--passphrase-file',
      pf,
      '--no-job',
      '--container-sas',
      sas,
      '--json',
      ...(o.yes === false ? [] : ['--yes']),
    ],
    {
      env: { OBC_TEST_HOOKS: o.haltAt ? '1' : undefined, OBC_DISKPREP_HALT_AT: o.haltAt },
      onLine: (line, child) => {
        if (o.haltAt && line.includes(`"type":"halt","at":"${o.haltAt}"`)) child.kill('SIGKILL');
      },
    },
  );

/** Restores from the disks drives.json lists (no staging folder given) and compares with the source. */
async function restoredFromDisks(c: Case, to: string): Promise<{ code: number | null; diff: string[]; out: string }> {
  const drives = JSON.parse(await readFile(join(c.stagingLocation, `${c.job}.diskprep`, 'drives.json'), 'utf8')) as {
    drives: Array<{ driveId: string }>;
  };
  const serials = new Set(drives.drives.map((d) => d.driveId));
  const used = c.disks.filter((d, i) => serials.has(`${c.job.toUpperCase().replace(/-/g, '')}${i + 1}`));
  const r = await cli([
    'restore',
    '--from-disk',
    ...used,
    '--job',
    c.job,
    '--passphrase-file',
    pf,
    '--to',
    to,
    '--json',
  ]);
  if (r.code !== 0) return { code: r.code, diff: ['restore failed'], out: r.stdout.slice(-800) + r.stderr };
  return { code: r.code, diff: await diffTrees(c.src, join(to, catalogPathOf(c.src))), out: '' };
}

describe('Disk Prep after backup --overwrite (issue 13 §2)', () => {
  it(
    'killed Disk Prep, backup --overwrite, rerun: the disks of the earlier backup are refused by name, then re-prepared and restore the new backup',
    { timeout: 240_000 },
    async () => {
      const c = await makeCase('ow-kill', [5 * MiB, 5 * MiB, 5 * MiB]);
      await corpus(c.src, 1, 6);
      expect((await backup(c)).code).toBe(0);
      const killed = await diskprep(c, { haltAt: 'committed:1' });
      expect(killed.signal, killed.stdout.slice(-400) + killed.stderr).toBe('SIGKILL');
      await corpus(c.src, 2, 6); // same number of files and sizes: same pack names and lengths, other bytes
      const ow = await backup(c, true);
      expect(ow.code, ow.stdout.slice(-400) + ow.stderr).toBe(0);

      const refused = await diskprep(c, { yes: false });
      expect(refused.code, refused.stdout.slice(-600)).not.toBe(0);
      const msg = resultOf(refused)?.error?.message ?? refused.stdout + refused.stderr;
      expect(msg).toMatch(/backup [0-9a-f]{8,}.*backup [0-9a-f]{8,}/s); // both backups named
      expect(msg).toMatch(/--yes|erase/i); // and what to do

      const again = await diskprep(c);
      expect(again.code, again.stdout.slice(-800) + again.stderr).toBe(0);
      const back = await restoredFromDisks(c, join(dir, 'ow-kill', 'restored'));
      expect(back.diff, back.out).toEqual([]);
    },
  );

  it(
    'finished Disk Prep, backup --overwrite, Disk Prep again: the earlier disks are not kept as verified',
    { timeout: 240_000 },
    async () => {
      const c = await makeCase('ow-done', [8 * MiB, 8 * MiB]);
      await corpus(c.src, 3, 5);
      expect((await backup(c)).code).toBe(0);
      const first = await diskprep(c);
      expect(first.code, first.stdout.slice(-400) + first.stderr).toBe(0);
      await corpus(c.src, 4, 5);
      expect((await backup(c, true)).code).toBe(0);
      const again = await diskprep(c);
      expect(again.code, again.stdout.slice(-800) + again.stderr).toBe(0);
      const back = await restoredFromDisks(c, join(dir, 'ow-done', 'restored'));
      expect(back.diff, back.out).toEqual([]);
      // drives.json describes the new backup only.
      const drives = JSON.parse(await readFile(join(c.stagingLocation, `${c.job}.diskprep`, 'drives.json'), 'utf8'));
      const seed = JSON.parse(await readFile(join(c.stagingLocation, c.job, 'seed.json'), 'utf8'));
      expect(drives.backup?.salt).toBe(seed.crypto.salt);
    },
  );

  it(
    'backup --overwrite with another pack count between Disk Prep runs: no crash, the disks restore the new backup',
    { timeout: 240_000 },
    async () => {
      const c = await makeCase('ow-count', [6 * MiB, 6 * MiB, 6 * MiB]);
      await corpus(c.src, 5, 8);
      expect((await backup(c)).code).toBe(0);
      const killed = await diskprep(c, { haltAt: 'committed:2' });
      expect(killed.signal).toBe('SIGKILL');
      await corpus(c.src, 6, 3);
      expect((await backup(c, true)).code).toBe(0);
      const again = await diskprep(c);
      expect(again.code, again.stdout.slice(-800) + again.stderr).toBe(0);
      expect(again.stderr).not.toMatch(/TypeError|Cannot read properties/);
      const back = await restoredFromDisks(c, join(dir, 'ow-count', 'restored'));
      expect(back.diff, back.out).toEqual([]);
    },
  );

  it(
    `kill -9 of Disk Prep at ${POINTS} seeded points (OBC_FAULT_SEED=${SEED}), backup --overwrite, rerun: every time the disks restore the new backup`,
    { timeout: 600_000 },
    async () => {
      const ref = await makeCase('ow-ref', [5 * MiB, 5 * MiB, 5 * MiB]);
      await corpus(ref.src, 100, 6);
      expect((await backup(ref)).code).toBe(0);
      expect((await diskprep(ref)).code).toBe(0);
      const total = ref.disks.reduce((s, d) => s + bytesUnder(d), 0);
      const r = rng(SEED ^ 0x0e71);
      const outcomes: string[] = [];
      let kills = 0;
      for (let i = 0; i < POINTS; i++) {
        const c = await makeCase(`owk-${i}`, [5 * MiB, 5 * MiB, 5 * MiB]);
        await corpus(c.src, 200 + i, 6);
        expect((await backup(c)).code).toBe(0);
        const threshold = Math.floor(r() * total);
        const k = await killedAtBytes(c, threshold);
        if (k.killed) kills++;
        // The replacing backup: other bytes, and every other time another number of packs.
        await corpus(c.src, 300 + i, i % 2 ? 4 : 6);
        const ow = await backup(c, true);
        expect(ow.code, `point ${i}: ${ow.stdout.slice(-300)}${ow.stderr}`).toBe(0);
        const again = await diskprep(c);
        expect(again.code, `point ${i} (${threshold} bytes): ${again.stdout.slice(-600)}${again.stderr}`).toBe(0);
        const back = await restoredFromDisks(c, join(dir, `owk-${i}`, 'restored'));
        expect(back.diff, `point ${i}: ${back.out}`).toEqual([]);
        outcomes.push(
          `#${i} ${threshold} bytes → ${k.killed ? `killed at ${k.at} bytes` : 'completed before the kill'}; overwrite (${i % 2 ? 4 : 6} files); rerun ok; restore from the disks = new source`,
        );
      }
      console.log(
        `[faults] diskprep kill -9 + backup --overwrite seed=${SEED}: ${kills}/${POINTS} killed, ${POINTS} restores compared (reference ${total} bytes)\n  ${outcomes.join('\n  ')}`,
      );
      expect(kills).toBeGreaterThanOrEqual(Math.ceil(POINTS / 2));
    },
  );
});

function bytesUnder(d: string): number {
  let n = 0;
  let names: string[];
  try {
    names = readdirSync(d);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (name === 'obc-disk.json') continue;
    try {
      const st = lstatSync(join(d, name));
      n += st.isDirectory() ? bytesUnder(join(d, name)) : st.size;
    } catch {
      /* renamed meanwhile */
    }
  }
  return n;
}

/** Disk Prep (erase confirmed) killed with SIGKILL once `threshold` bytes are on the disks (inotify: real progress). */
async function killedAtBytes(c: Case, threshold: number): Promise<{ killed: boolean; at: number }> {
  let at = -1;
  const watchers: FSWatcher[] = [];
  const r = await cli(
    [
      'diskprep',
      `s:${c.stagingLocation}`,
      '--job',
      c.job,
      ...c.disks.flatMap((d) => ['--disk', d]),
      '--passphrase-file',
      pf,
      '--no-job',
      '--container-sas',
      sas,
      '--json',
      '--yes',
    ],
    {
      onChild: (child) => {
        for (const d of c.disks)
          watchers.push(
            watch(d, { recursive: true }, () => {
              if (at >= 0 || child.exitCode !== null) return;
              const b = c.disks.reduce((sum, x) => sum + bytesUnder(x), 0);
              if (b >= threshold) {
                at = b;
                child.kill('SIGKILL');
              }
            }),
          );
      },
    },
  );
  for (const w of watchers) w.close();
  return { killed: r.signal === 'SIGKILL', at };
}
