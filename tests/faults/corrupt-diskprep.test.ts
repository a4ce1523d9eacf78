/**
 * Fault suite 4 (Disk Prep side): a damaged disk-prep journal, drives.json and DriveManifest are detected and named
 * — never a crash, never a wrong import. Engine in-process (fast); the sandbox datacenter judges the manifest case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runDiskPrep, type DiskPrepOptions } from '../../electron/services/diskprep/engine.ts';
import { FolderDiskProvider } from '../../electron/services/diskprep/folder-disk.ts';
import { driveList, passphraseProtector } from '../../electron/services/diskprep/drives-file.ts';
import { stateDirFor } from '../../electron/services/diskprep/session.ts';
import { findJob } from '../../electron/services/diskprep/jobs.ts';
import { MiB, TEST_PASSPHRASE, makeDisks, makeStaging } from '../../electron/services/diskprep/test-helpers.ts';
import { startSandbox, type SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { mintToken } from '../../electron/services/sandbox/test-tokens.ts';
import { SEED, rng, tempDir } from './helpers.ts';
import { accountKey, importThroughDatacenter } from './sandbox-import.ts';

let dir: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => ({ dir, cleanup } = await tempDir('obc-fault-dpc-')));
afterAll(async () => cleanup?.());

const LENGTHS = [3 * MiB, 2 * MiB + 512, 1 * MiB, 512];

async function prepared(opts: { haltAfterCommits?: number } = {}) {
  const job = `dpc-${n}`;
  const root = join(dir, `case-${n++}`);
  const staging = join(root, 'staging');
  await makeStaging(staging, job, LENGTHS, { container: 'seed' });
  const disks = await makeDisks(root, [16 * MiB], `DPC${n}X`);
  const base = (): DiskPrepOptions => ({ staging, job, disks: disks.map((id) => ({ id })), providers: { folder: new FolderDiskProvider() }, protector: (j) => passphraseProtector(TEST_PASSPHRASE, j.seed), workers: 2 });
  if (opts.haltAfterCommits !== undefined) {
    // Stop (like a kill) after that many files are committed: the journal holds begin/start/commit records only.
    let commits = 0;
    await runDiskPrep({
      ...base(),
      checkpoint: async (name) => {
        if (name.startsWith('committed:') && ++commits >= opts.haltAfterCommits!) throw new Error('halt');
      },
    }).catch((e) => expect((e as Error).message).toBe('halt'));
  } else await runDiskPrep(base());
  return { job, staging, disk: disks[0], stateDir: stateDirFor(staging, job), run: (extra: Partial<DiskPrepOptions> = {}) => runDiskPrep({ ...base(), ...extra }) };
}

const errOf = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as { code: string; message: string });

describe(`corrupt Disk Prep inputs are detected and named (OBC_FAULT_SEED=${SEED})`, () => {
  it('journal: a torn last line (kill mid-append) is dropped and the file copied again; the result is intact', async () => {
    const c = await prepared({ haltAfterCommits: 2 });
    const jp = join(c.disk, 'obc-journal.json');
    const text = await readFile(jp, 'utf8');
    await truncate(jp, Buffer.byteLength(text) - 7); // the last commit record loses its end
    const res = await c.run();
    expect(res.drives).toHaveLength(1);
    for (const [i] of LENGTHS.entries()) {
      const rel = `packs/${String(i + 1).padStart(6, '0')}.pack`;
      expect((await readFile(join(c.disk, 'obc-session-1', c.job, rel))).equals(await readFile(join(c.staging, c.job, rel))), rel).toBe(true);
    }
  });

  it('journal: a damaged line in the middle (not a torn tail) is refused, naming the journal', async () => {
    const c = await prepared({ haltAfterCommits: 2 });
    const jp = join(c.disk, 'obc-journal.json');
    const lines = (await readFile(jp, 'utf8')).split('\n');
    const i = lines.findIndex((l) => l.includes('"t":"commit"'));
    lines[i] = lines[i].replace('"t":"commit"', '"t":"co\u0000mit"').slice(0, -3); // garbage, then more records follow
    await writeFile(jp, lines.join('\n'));
    const err = await errOf(c.run());
    expect(err?.code, err?.message).toBe('CORRUPT_DATA');
    expect(err?.message).toContain(jp);
  });

  it('journal: a flipped range MD5 in a commit record (valid JSON) is caught by read-back, naming disk, file and range', async () => {
    const c = await prepared({ haltAfterCommits: 2 });
    const jp = join(c.disk, 'obc-journal.json');
    const text = await readFile(jp, 'utf8');
    const m = /"ranges":\["([0-9a-fA-F])/.exec(text)!;
    const at = m.index + '"ranges":["'.length;
    await writeFile(jp, text.slice(0, at) + (m[1] === '0' ? '1' : '0') + text.slice(at + 1));
    const err = await errOf(c.run());
    expect(err?.code, err?.message).toBe('CORRUPT_DATA');
    expect(err?.message).toMatch(new RegExp(`Read-back of disk DPC\\d+X1 found 1 damaged range.*obc-session-1.*${c.job}.*packs.* bytes 0–`));
  });

  // KNOWN BUG (reported, not fixed here): the whole-file MD5 of a commit record goes only into the BOM, and
  // read-back checks range MD5s, so a flipped whole-file MD5 ships in obc-bom.json unnoticed.
  it.fails('KNOWN BUG: journal: a flipped whole-file MD5 in a commit record is detected before the BOM is written', async () => {
    const c = await prepared({ haltAfterCommits: 2 });
    const jp = join(c.disk, 'obc-journal.json');
    const text = await readFile(jp, 'utf8');
    const m = /"md5":"([0-9a-fA-F])/.exec(text)!;
    const at = m.index + '"md5":"'.length;
    await writeFile(jp, text.slice(0, at) + (m[1] === '0' ? '1' : '0') + text.slice(at + 1));
    const err = await errOf(c.run());
    expect(err?.code).toBe('CORRUPT_DATA');
  });

  it('drives.json: truncated → named; a flipped sealed key → named; a flipped manifest hash → named before any job is created', async () => {
    const c = await prepared();
    const protector = await passphraseProtector(TEST_PASSPHRASE, (await findJob(c.staging, c.job)).seed);
    const dp = join(c.stateDir, 'drives.json');
    const good = await readFile(dp, 'utf8');

    await truncate(dp, Math.floor(good.length * rng(SEED)()));
    let err = await errOf(driveList(c.stateDir, protector));
    expect(err?.code).toBe('CORRUPT_DATA');
    expect(err?.message).toContain(dp);

    const j = JSON.parse(good);
    const sealed: string = j.drives[0].bitLockerKeySealed;
    j.drives[0].bitLockerKeySealed = sealed.slice(0, 20) + (sealed[20] === 'A' ? 'B' : 'A') + sealed.slice(21);
    await writeFile(dp, JSON.stringify(j));
    err = await errOf(driveList(c.stateDir, protector));
    expect(err?.code).toBe('WRONG_PASSPHRASE');
    expect(err?.message).toMatch(/drives\.json.*altered/);

    const k = JSON.parse(good);
    const h: string = k.drives[0].manifestHash;
    k.drives[0].manifestHash = (h[0] === 'A' ? 'B' : 'A') + h.slice(1);
    await writeFile(dp, JSON.stringify(k));
    err = await errOf(driveList(c.stateDir, protector));
    expect(err?.code, 'a wrong manifest hash must not reach the job').toBe('CORRUPT_DATA');
    expect(err?.message).toContain('drives.json');
  });

  it('DriveManifest on the disk truncated or flipped: repair rewrites it; unrepaired, the datacenter refuses the drive as ManifestCorrupted', async () => {
    const c = await prepared();
    const mp = join(c.disk, 'DriveManifest.xml');
    const xml = await readFile(mp);
    // Repair path: the next run with repair writes the manifest again from the journal and reads it back.
    await truncate(mp, Math.floor(xml.length / 2));
    await c.run({ repair: true });
    expect((await readFile(mp)).equals(xml)).toBe(true);
    // A flipped byte shipped as is: the datacenter names the manifest and imports nothing from that drive.
    const b = Buffer.from(xml);
    const at = b.indexOf('<Length>') + 8;
    b[at] = b[at] === 0x31 ? 0x32 : 0x31;
    await writeFile(mp, b);
    const sb: SandboxHandle = await startSandbox({ registrationDelayMs: 0 });
    try {
      const token = await mintToken(sb, sb.users[0]);
      const key = await accountKey(sb, token);
      const imp = await importThroughDatacenter(sb, token, key, c.staging, c.job, TEST_PASSPHRASE, [c.disk]);
      expect(JSON.stringify(imp.drives)).toMatch(/ManifestCorrupted/);
      expect(imp.bad.length, 'nothing imported from a drive whose manifest is corrupted').toBe(LENGTHS.length + 1);
    } finally {
      await sb.stop();
    }
  });
});
