/**
 * Issue 13 §3 and §5 through the CLI, on a real backup:
 *  - seed.json edited (its packs removed from `files`, or a length changed): Disk Prep used to ship a "verified"
 *    disk holding only the catalog; now it checks seed.json against the authenticated catalog and refuses, naming
 *    what is missing or different, before a byte reaches a disk;
 *  - seed.json with an altered scrypt N: `obc verify` used to spend gigabytes and seconds before "wrong passphrase";
 *    now it names the value.
 * The edits drop seed.json's own checksum (as an older file, or a careful editor, would): the check that catches
 * them is the catalog / the caps, not the checksum.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prng } from '../../electron/services/backup/test-trees.ts';
import { initFolderDisk } from '../../electron/services/diskprep/folder-disk.ts';
import { testCredential, writeSasFile } from '../../electron/services/diskprep/test-staging.ts';
import { cli, resultOf, tempDir, writePassFile } from './test-cli.ts';

const JOB = 'seed-trust';
const MiB = 1 << 20;
let dir: string;
let cleanup: () => Promise<void>;
let pf: string;
/** The manifests' container SAS from a file (no datacenter import here). */
let sas: string;
let pristine: string;
let n = 0;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-fault-seed-'));
  pf = await writePassFile(dir);
  sas = await writeSasFile(dir, testCredential, 'faults');
  const src = join(dir, 'src');
  await mkdir(src);
  const rnd = prng(313);
  for (let i = 0; i < 3; i++) await writeFile(join(src, `f${i}.bin`), rnd(MiB - 100 * i));
  pristine = join(dir, 'pristine');
  const b = await cli([
    'backup',
    '--items',
    src,
    '--staging',
    pristine,
    '--job',
    JOB,
    '--passphrase-file',
    pf,
    '--container',
    'seed',
    '--pack-size',
    String(MiB),
    '--json',
  ]);
  expect(b.code, b.stdout.slice(-300) + b.stderr).toBe(0);
}, 120_000);
afterAll(async () => cleanup?.());

/** A copy of the backup with seed.json changed by `edit` (and its own checksum dropped), plus an empty folder disk. */
async function edited(
  edit: (seed: { files: Array<{ path: string; length: number }>; crypto: { N: number } }) => void,
): Promise<{ stagingLocation: string; disk: string }> {
  const root = join(dir, `case-${n++}`);
  const stagingLocation = join(root, 'staging');
  await cp(pristine, stagingLocation, { recursive: true });
  const path = join(stagingLocation, JOB, 'seed.json');
  const seed = JSON.parse(await readFile(path, 'utf8'));
  delete seed.sum;
  edit(seed);
  await writeFile(path, JSON.stringify(seed, null, 2));
  const disk = join(root, 'disk1');
  await initFolderDisk(disk, `SEEDTRUST${n}`, 16 * MiB);
  return { stagingLocation, disk };
}

const diskprep = (c: { stagingLocation: string; disk: string }) =>
  cli([
    'diskprep',
    `s:${c.stagingLocation}`,
    '--job',
    JOB,
    '--disk',
    c.disk,
    '--passphrase-file',
    pf,
    '--no-job',
    '--container-sas',
    sas,
    '--yes',
    '--json',
  ]);
const untouched = async (disk: string) => expect((await readdir(disk)).sort()).toEqual(['obc-disk.json']);

describe('Disk Prep checks seed.json against the catalog before copying (issue 13 §3)', () => {
  it('packs removed from seed.json: refused, naming them; nothing reaches the disk', { timeout: 120_000 }, async () => {
    const c = await edited((s) => (s.files = s.files.filter((f) => !f.path.startsWith('packs/'))));
    const r = await diskprep(c);
    expect(r.code, r.stdout.slice(-500)).toBe(1);
    const msg = resultOf(r)?.error?.message ?? r.stdout;
    expect(msg).toMatch(
      /does not match the backup's catalog: \d+ pack\(s\) the catalog needs are not listed: packs\/pack-000001\.bin/,
    );
    await untouched(c.disk);
  });

  it(
    'a pack length changed in seed.json: refused, naming the pack and both lengths',
    { timeout: 120_000 },
    async () => {
      const c = await edited((s) => {
        const p = s.files.find((f) => f.path.startsWith('packs/'))!;
        p.length += 512;
      });
      const r = await diskprep(c);
      expect(r.code).toBe(1);
      expect(resultOf(r)?.error?.message ?? r.stdout).toMatch(
        /pack\(s\) have another length: packs\/pack-000001\.bin: seed\.json says \d+ bytes, the catalog \d+/,
      );
      await untouched(c.disk);
    },
  );
});

describe('an altered scrypt N is named, not derived (issue 13 §5)', () => {
  it('obc verify on a seed.json with N = 2^21 says which value is out of bounds', { timeout: 120_000 }, async () => {
    const c = await edited((s) => (s.crypto.N = 1 << 21));
    const t0 = Date.now();
    const r = await cli(['verify', '--staging', c.stagingLocation, '--job', JOB, '--passphrase-file', pf, '--json']);
    expect(r.code).toBe(1);
    expect(resultOf(r)?.error?.message ?? r.stdout).toMatch(/scrypt N = 2097152 \(2\^21\) is outside 2\^10…2\^20/);
    console.log(`[faults] verify with N = 2^21 refused in ${Date.now() - t0} ms (CLI start included)`);
  });
});
