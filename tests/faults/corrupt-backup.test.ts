/**
 * Fault suite 4 (backup side): truncated or bit-flipped packs, catalog and seed.json in a completed staging job.
 * Each must be detected and the damaged file named — by verify, by restore and by the CLI — never a crash and never
 * a silently wrong restore (a restored file is either byte-identical to the source or absent and listed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBackup } from '../../electron/services/backup/engine.ts';
import { FAST_KDF, sameFile, openStagingJob } from '../../electron/services/backup/test-trees.ts';
import { catalogPathOf } from '../../electron/services/backup/scan.ts';
import { StagingFolderSource } from '../../electron/services/backup/reader.ts';
import { verifyJob } from '../../electron/services/backup/verify.ts';
import { restoreJob } from '../../electron/services/backup/restore.ts';
import { PASSPHRASE, SEED, cli, makeCorpus, rng, tempDir, writePassFile } from './test-cli.ts';

const JOB = 'corrupt-job';
let dir: string;
let cleanup: () => Promise<void>;
let src: string;
let pristine: string;
let pf: string;
let n = 0;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-fault-corrupt-'));
  src = join(dir, 'src');
  await makeCorpus(src, SEED + 1, 4);
  pf = await writePassFile(dir);
  pristine = join(dir, 'pristine');
  await runBackup({
    items: [src],
    stagingLocation: pristine,
    job: { name: JOB, container: 'seed' },
    passphrase: PASSPHRASE,
    kdf: FAST_KDF,
    packSize: 1 << 20,
    workers: 2,
  });
});
afterAll(async () => cleanup?.());

/** A fresh copy of the completed job to damage. */
async function copyJob(): Promise<{ stagingLocation: string; jobDir: string }> {
  const stagingLocation = join(dir, `case-${n++}`);
  await cp(pristine, stagingLocation, { recursive: true });
  return { stagingLocation, jobDir: join(stagingLocation, JOB) };
}

async function flipBit(file: string, at: number, bit = 0): Promise<void> {
  const b = await readFile(file);
  b[at] ^= 1 << bit;
  await writeFile(file, b);
}

/** What verify, restore and the CLI say about a damaged job; restore must never leave a wrong file behind. */
async function outcome(
  stagingLocation: string,
): Promise<{ verify: string; restore: string; cli: { code: number | null; text: string } }> {
  const jobDir = join(stagingLocation, JOB);
  let verify: string;
  try {
    const rep = await verifyJob(new StagingFolderSource(jobDir), PASSPHRASE);
    verify = rep.ok ? 'OK' : JSON.stringify([...rep.damagedPacks, ...rep.damagedFiles]);
  } catch (err) {
    verify = `${(err as { code?: string }).code}: ${(err as Error).message}`;
  }
  let restore: string;
  const out = join(stagingLocation, 'restored');
  try {
    const reader = await openStagingJob(stagingLocation, JOB, PASSPHRASE);
    try {
      const r = await restoreJob(reader, { to: out });
      restore = r.skipped.length ? `skipped ${JSON.stringify(r.skipped)}` : 'OK';
    } finally {
      await reader.source.close?.();
    }
  } catch (err) {
    restore = `${(err as { code?: string }).code}: ${(err as Error).message}`;
  }
  // No silently wrong restore: every restored regular file equals its source.
  const base = join(out, catalogPathOf(src));
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(join(base, rel), { withFileTypes: true }).catch(() => [])) {
      const p = join(rel, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && !e.name.startsWith('.obc-restore-'))
        expect(await sameFile(join(src, p), join(base, p)), `restored ${p} equals the source`).toBe(true);
      else if (e.isFile()) throw new Error(`a restore temp file was left behind: ${p}`);
    }
  };
  await walk('');
  const v = await cli(['verify', '--staging', stagingLocation, '--job', JOB, '--passphrase-file', pf]);
  return { verify, restore, cli: { code: v.code, text: v.stdout + v.stderr } };
}

describe(`corrupt staging inputs are detected and named (OBC_FAULT_SEED=${SEED})`, () => {
  it('a truncated pack: verify names it, restore skips exactly the files it feeds, CLI exits 1', async () => {
    const { stagingLocation, jobDir } = await copyJob();
    const packs = (await readdir(join(jobDir, 'packs'))).sort();
    const victim = packs[Math.floor(rng(SEED)() * packs.length)];
    const full = join(jobDir, 'packs', victim);
    await truncate(full, Math.floor((await readFile(full)).length / 2));
    const o = await outcome(stagingLocation);
    expect(o.verify).toContain(victim);
    expect(o.restore).toMatch(new RegExp(`skipped .*${victim}|CORRUPT_DATA.*${victim}`));
    expect(o.cli.code).toBe(1);
    expect(o.cli.text).toContain(victim);
  });

  it('bit flips at seeded positions in packs: each named by verify with the affected file; restore never writes wrong bytes', async () => {
    const r = rng(SEED ^ 0x9ac5);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { stagingLocation, jobDir } = await copyJob();
      const packs = (await readdir(join(jobDir, 'packs'))).sort();
      const victim = packs[Math.floor(r() * packs.length)];
      const full = join(jobDir, 'packs', victim);
      const size = (await readFile(full)).length;
      const at = Math.floor(r() * size);
      await flipBit(full, at, Math.floor(r() * 8));
      const o = await outcome(stagingLocation);
      seen.push(
        `${victim}@${at}: verify ${o.verify.slice(0, 160)}; restore ${o.restore.slice(0, 120)}; cli ${o.cli.code}`,
      );
      // A flip in padding after the trailer changes only the sha256 seed.json recorded: still reported.
      expect(o.verify, seen.at(-1)).toContain(victim);
      expect(o.cli.code, seen.at(-1)).toBe(1);
      expect(o.cli.text).toContain(victim);
    }
    console.log(`[faults] pack bit flips:\n  ${seen.join('\n  ')}`);
  });

  it('a truncated or bit-flipped catalog: named by verify, restore and the CLI', async () => {
    for (const damage of ['truncate', 'flip-header', 'flip-body'] as const) {
      const { stagingLocation, jobDir } = await copyJob();
      const cat = join(jobDir, 'catalog.bin');
      const size = (await readFile(cat)).length;
      if (damage === 'truncate') await truncate(cat, 300);
      else await flipBit(cat, damage === 'flip-header' ? 3 : 16 + Math.floor(rng(SEED + 7)() * (size - 600)), 2);
      const o = await outcome(stagingLocation);
      expect(o.verify, damage).toContain('catalog.bin');
      expect(o.restore, damage).toMatch(/^CORRUPT_DATA: .*catalog\.bin/);
      expect(o.cli.code, damage).toBe(1);
      expect(o.cli.text, damage).toContain('catalog.bin');
    }
  });

  it('a truncated seed.json, or one with a flipped byte: named, never a crash or a wrong restore', async () => {
    const r = rng(SEED ^ 0x5eed);
    const seen: string[] = [];
    {
      const { stagingLocation, jobDir } = await copyJob();
      const f = join(jobDir, 'seed.json');
      await truncate(f, Math.floor((await readFile(f)).length * r()));
      const o = await outcome(stagingLocation);
      seen.push(`truncated: verify ${o.verify}; restore ${o.restore}; cli ${o.cli.code}`);
      expect(o.verify).toMatch(/^CORRUPT_DATA: seed\.json/);
      expect(o.restore).toMatch(/^CORRUPT_DATA: seed\.json/);
      expect(o.cli.code).toBe(1);
      expect(o.cli.text).toContain('seed.json');
    }
    // Flips in the fields that matter: the key salt and key check, a pack's sha256, a pack's length, the job name.
    const text = await readFile(join(pristine, JOB, 'seed.json'), 'utf8');
    const seed = JSON.parse(text);
    const targets: Array<[string, string]> = [
      ['crypto.salt', seed.crypto.salt],
      ['crypto.keyCheck', seed.crypto.keyCheck],
      ['files[0].sha256', seed.files[0].sha256],
      ['files[1].length', `"length": ${seed.files[1].length}`],
      ['jobName', `"jobName": "${JOB}"`],
    ];
    for (const [field, value] of targets) {
      const { stagingLocation, jobDir } = await copyJob();
      const at =
        text.indexOf(value) +
        (field.endsWith('length')
          ? value.length - 1
          : field === 'jobName'
            ? value.length - 3
            : Math.floor(r() * 8) + 2);
      const b = Buffer.from(text);
      b[at] = b[at] === 0x31 ? 0x32 : 0x31; // a different digit or letter, still valid JSON
      await writeFile(join(jobDir, 'seed.json'), b);
      const o = await outcome(stagingLocation);
      seen.push(`${field}: verify ${o.verify.slice(0, 200)}; restore ${o.restore.slice(0, 160)}; cli ${o.cli.code}`);
      expect(o.cli.code, seen.at(-1)).not.toBe(0);
      expect(o.verify, seen.at(-1)).not.toBe('OK');
      // The damaged file is named: seed.json itself, or the pack whose recorded sha256/length it no longer matches.
      expect(o.cli.text, seen.at(-1)).toMatch(/seed\.json|pack-\d+/);
    }
    console.log(`[faults] seed.json damage:\n  ${seen.join('\n  ')}`);
  });
});
