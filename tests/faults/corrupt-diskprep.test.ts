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
import { mirrorJournalPath, stateDirFor } from '../../electron/services/diskprep/session.ts';
import { encodeRecord, type JournalRecord } from '../../electron/services/diskprep/journal.ts';
import { md5Hex, parseManifest, rangeLayout } from '../../electron/services/diskprep/manifest.ts';
import { findJob } from '../../electron/services/diskprep/jobs.ts';
import {
  MiB,
  TEST_PASSPHRASE,
  makeDisks,
  makeStaging,
  testCredential,
  writeSasFile,
} from '../../electron/services/diskprep/test-staging.ts';
import { startSandbox, type SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { mintToken } from '../../electron/services/sandbox/test-tokens.ts';
import { SEED, cli, resultOf, rng, tempDir } from './test-cli.ts';
import { accountKey, importThroughDatacenter } from './test-sandbox-import.ts';

let dir: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => ({ dir, cleanup } = await tempDir('obc-fault-dpc-')));
afterAll(async () => cleanup?.());

const LENGTHS = [3 * MiB, 2 * MiB + 512, 1 * MiB, 512];

async function prepared(opts: { haltAfterCommits?: number } = {}) {
  const job = `dpc-${n}`;
  const root = join(dir, `case-${n++}`);
  const stagingLocation = join(root, 'staging');
  const seed = await makeStaging(stagingLocation, job, LENGTHS, { container: 'seed' });
  const disks = await makeDisks(root, [16 * MiB], `DPC${n}X`);
  const base = (): DiskPrepOptions => ({
    stagingLocation,
    job,
    disks: disks.map((id) => ({ id })),
    providers: { folder: new FolderDiskProvider() },
    credential: testCredential,
    passphrase: TEST_PASSPHRASE,
    workers: 2,
  });
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
  const stateDir = stateDirFor(stagingLocation, job);
  const serial = `DPC${n}X1`;
  const run = (extra: Partial<DiskPrepOptions> = {}) => runDiskPrep({ ...base(), ...extra });
  const runWithWarnings = async () => {
    const warnings: string[] = [];
    const res = await run({ onWarning: (w) => warnings.push(w) });
    expect(res.warnings).toEqual(warnings);
    return { res, warnings };
  };
  // Bytes a resume copies when the first two files were committed before the halt (the packs after them, the catalog
  // and the job descriptor makeStaging adds).
  const REMAINING = seed.files.slice(2).reduce((s, f) => s + f.length, 0);
  return {
    job,
    stagingLocation,
    disk: disks[0],
    serial,
    stateDir,
    jp: join(disks[0], 'obc-journal.json'),
    mirror: mirrorJournalPath(stateDir, serial),
    run,
    runWithWarnings,
    REMAINING,
  };
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Flips the first hex digit / digit after `re` (searching from `from`): valid JSON still. Returns the 1-based line. */
function flipValue(text: string, re: RegExp, from = 0): { text: string; line: number } {
  const m = new RegExp(re.source, 'g');
  m.lastIndex = from;
  const hit = m.exec(text)!;
  const at = hit.index + hit[0].length;
  const ch = text[at];
  const to = /\d/.test(ch) ? String((Number(ch) % 9) + 1) : ch === 'A' ? 'B' : 'A';
  return { text: text.slice(0, at) + to + text.slice(at + 1), line: text.slice(0, at).split('\n').length };
}

/** obc-bom.json and DriveManifest.xml on the disk hold the true MD5s and lengths of the staged files; bytes equal. */
async function expectOutputsMatchStaging(c: { disk: string; stagingLocation: string; job: string }) {
  const bom = JSON.parse(await readFile(join(c.disk, 'obc-bom.json'), 'utf8')) as {
    entries: Array<{ blobPath: string; length: number; md5: string }>;
  };
  const manifest = parseManifest(await readFile(join(c.disk, 'DriveManifest.xml'), 'utf8'));
  const seed = (await findJob(c.stagingLocation, c.job)).seed;
  expect(bom.entries).toHaveLength(seed.files.length);
  for (const [i, f] of seed.files.entries()) {
    const data = await readFile(join(c.stagingLocation, c.job, f.path));
    expect((await readFile(join(c.disk, 'obc-session-1', c.job, f.path))).equals(data), f.path).toBe(true);
    expect(bom.entries[i], f.path).toMatchObject({
      blobPath: `seed/${c.job}/${f.path}`,
      length: data.length,
      md5: md5Hex(data),
    });
    const b = manifest.blobs[i];
    expect(b.length, f.path).toBe(data.length);
    expect(
      b.ranges.map((r) => r.hash),
      f.path,
    ).toEqual(rangeLayout(data.length).map((r) => md5Hex(data.subarray(r.offset, r.offset + r.length))));
  }
}

const errOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as { code: string; message: string },
  );

describe(`corrupt Disk Prep inputs are detected and named (OBC_FAULT_SEED=${SEED})`, () => {
  it('journal: a torn last line (kill mid-append) is dropped and the file copied again; the result is intact', async () => {
    const c = await prepared({ haltAfterCommits: 2 });
    const text = await readFile(c.jp, 'utf8');
    await truncate(c.jp, Buffer.byteLength(text) - 7); // the last commit record loses its end
    const { res, warnings } = await c.runWithWarnings();
    expect(res.drives).toHaveLength(1);
    expect(warnings, 'a torn last line is dropped silently').toEqual([]);
    expect(res.copiedBytes).toBe(c.REMAINING + LENGTHS[1]);
    await expectOutputsMatchStaging(c);
    for (const [i] of LENGTHS.entries()) {
      const rel = `packs/${String(i + 1).padStart(6, '0')}.pack`;
      expect(
        (await readFile(join(c.disk, 'obc-session-1', c.job, rel))).equals(
          await readFile(join(c.stagingLocation, c.job, rel)),
        ),
        rel,
      ).toBe(true);
    }
  });

  // Every journal line carries its own checksum (electron/services/diskprep/journal-format.ts): a damaged line in
  // the middle is never trusted. Its copy in the mirror beside staging is used when that holds its checksum; when
  // neither holds, the file it committed is copied again. Either way the damage is named (disk, journal, line) and
  // obc-bom.json / DriveManifest.xml carry only checked values.
  it('journal: a damaged line in the middle (not a torn tail) is never trusted: the mirror copy is used, named with disk, journal and line', async () => {
    const c = await prepared({ haltAfterCommits: 2 });
    const lines = (await readFile(c.jp, 'utf8')).split('\n');
    const i = lines.findIndex((l) => l.includes('"t":"commit"'));
    lines[i] = lines[i].replace('"t":"commit"', '"t":"co\u0000mit"').slice(0, -3); // garbage, then more records follow
    await writeFile(c.jp, lines.join('\n'));
    const { res, warnings } = await c.runWithWarnings();
    expect(warnings.join('\n')).toMatch(
      new RegExp(
        `Disk ${c.serial}: journal ${esc(c.jp)} line ${i + 1} is not valid JSON; the copy of that line in the mirror ${esc(c.mirror)} holds its checksum`,
      ),
    );
    expect(res.copiedBytes, 'nothing copied again: the mirror held the commit').toBe(c.REMAINING);
    await expectOutputsMatchStaging(c);
  });

  it('journal: a flipped whole-file MD5 in a commit record is detected before the BOM is written (disk copy: from the mirror; both copies: copied again)', async () => {
    const c = await prepared({ haltAfterCommits: 2 });
    const { text, line } = flipValue(await readFile(c.jp, 'utf8'), /"md5":"/);
    await writeFile(c.jp, text);
    const first = await c.runWithWarnings();
    expect(first.warnings.join('\n')).toMatch(
      new RegExp(
        `Disk ${c.serial}: journal ${esc(c.jp)} line ${line} fails its checksum.*mirror ${esc(c.mirror)} holds its checksum and is used instead`,
      ),
    );
    expect(first.res.copiedBytes).toBe(c.REMAINING);
    await expectOutputsMatchStaging(c);

    const d = await prepared({ haltAfterCommits: 2 });
    const disk = flipValue(await readFile(d.jp, 'utf8'), /"md5":"/);
    await writeFile(d.jp, disk.text);
    await writeFile(d.mirror, flipValue(await readFile(d.mirror, 'utf8'), /"md5":"/).text);
    const both = await d.runWithWarnings();
    expect(both.warnings.join('\n')).toMatch(
      new RegExp(
        `Disk ${d.serial}: journal ${esc(d.jp)} line ${disk.line} fails its checksum .*the mirror ${esc(d.mirror)} has no good copy .*commit record of packs/000001\\.pack.*copied again from staging`,
      ),
    );
    expect(both.res.copiedBytes, 'the first file is copied again').toBe(d.REMAINING + LENGTHS[0]);
    await expectOutputsMatchStaging(d);
  });

  it('journal: a flipped range MD5 or length in a commit record (both copies) → that file is copied again; the manifest holds the true values', async () => {
    for (const [field, re] of [
      ['range MD5', /"ranges":\["/],
      ['length', /"length":/],
    ] as const) {
      const c = await prepared({ haltAfterCommits: 2 });
      const jt = await readFile(c.jp, 'utf8');
      const last = jt.lastIndexOf('"t":"commit"'); // the second file's commit record
      const disk = flipValue(jt, re, last);
      await writeFile(c.jp, disk.text);
      await writeFile(c.mirror, flipValue(await readFile(c.mirror, 'utf8'), re, last).text);
      const { res, warnings } = await c.runWithWarnings();
      expect(warnings.join('\n'), field).toMatch(
        new RegExp(`journal ${esc(c.jp)} line ${disk.line} fails its checksum.*packs/000002\\.pack.*copied again`),
      );
      expect(res.copiedBytes, field).toBe(c.REMAINING + LENGTHS[1]);
      await expectOutputsMatchStaging(c);
    }
  });

  it('journal: disk and mirror damaged on different lines → each good copy is used, nothing copied again; the damaged mirror is kept aside', async () => {
    const c = await prepared({ haltAfterCommits: 2 });
    const jt = await readFile(c.jp, 'utf8');
    const disk = flipValue(jt, /"md5":"/);
    await writeFile(c.jp, disk.text);
    const mirror = flipValue(await readFile(c.mirror, 'utf8'), /"ranges":\["/, jt.lastIndexOf('"t":"commit"'));
    await writeFile(c.mirror, mirror.text);
    const { res, warnings } = await c.runWithWarnings();
    const all = warnings.join('\n');
    expect(all).toMatch(
      new RegExp(`journal ${esc(c.jp)} line ${disk.line} fails its checksum.*mirror .* is used instead`),
    );
    expect(all).toMatch(
      new RegExp(`journal mirror ${esc(c.mirror)} is damaged at line\\(s\\) ${mirror.line};.*old mirror kept as`),
    );
    expect(res.copiedBytes).toBe(c.REMAINING);
    await expectOutputsMatchStaging(c);
  });

  it('journal damage through the CLI: each finding is a warning line (JSON and text), the run completes with exit code 3', async () => {
    for (const json of [true, false]) {
      const c = await prepared({ haltAfterCommits: 2 });
      for (const p of [c.jp, c.mirror]) await writeFile(p, flipValue(await readFile(p, 'utf8'), /"md5":"/).text);
      const sas = await writeSasFile(dir, testCredential, c.job);
      const r = await cli(
        [
          'diskprep',
          `s:${c.stagingLocation}`,
          '--job',
          c.job,
          '--disk',
          c.disk,
          '--no-job',
          '--container-sas',
          sas,
          ...(json ? ['--json'] : []),
        ],
        { env: { OBC_PASSPHRASE: TEST_PASSPHRASE } },
      );
      expect(r.code, r.stderr).toBe(3);
      const named = new RegExp(
        `Disk ${c.serial}: journal ${esc(c.jp)} line 3 fails its checksum.*copied again from staging`,
      );
      if (json) {
        const warnings = r.stdout
          .split('\n')
          .filter((l) => l.startsWith('{"type":"warning"'))
          .map((l) => (JSON.parse(l) as { message: string }).message);
        expect(warnings.join('\n')).toMatch(named);
        expect(resultOf(r)?.status).toBe('succeeded');
      } else expect(r.stderr).toMatch(new RegExp(`warning: ${named.source}`));
      await expectOutputsMatchStaging(c);
    }
  });

  it('journal: a flipped range MD5 with its checksum recomputed (a record the tool itself got wrong) is still caught by read-back, naming disk, file and range', async () => {
    const c = await prepared({ haltAfterCommits: 2 });
    for (const p of [c.jp, c.mirror]) {
      const text = await readFile(p, 'utf8');
      const { line } = flipValue(text, /"ranges":\["/);
      const lines = text.split('\n');
      const { sum: _sum, ...rec } = JSON.parse(flipValue(text, /"ranges":\["/).text.split('\n')[line - 1]) as Record<
        string,
        unknown
      >;
      lines[line - 1] = encodeRecord(rec as unknown as JournalRecord).trimEnd();
      await writeFile(p, lines.join('\n'));
    }
    const err = await errOf(c.run());
    expect(err?.code, err?.message).toBe('CORRUPT_DATA');
    expect(err?.message).toMatch(
      new RegExp(`Read-back of disk DPC\\d+X1 found 1 damaged range.*obc-session-1.*${c.job}.*packs.* bytes 0–`),
    );
  });

  it('drives.json: truncated → named; a flipped sealed key → named; a flipped manifest hash → named before any job is created', async () => {
    const c = await prepared();
    const protector = await passphraseProtector(TEST_PASSPHRASE, (await findJob(c.stagingLocation, c.job)).seed);
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
      const imp = await importThroughDatacenter(sb, token, key, c.stagingLocation, c.job, TEST_PASSPHRASE, [c.disk]);
      expect(JSON.stringify(imp.drives)).toMatch(/ManifestCorrupted/);
      expect(imp.bad.length, 'nothing imported from a drive whose manifest is corrupted').toBe(
        (await findJob(c.stagingLocation, c.job)).seed.files.length,
      );
    } finally {
      await sb.stop();
    }
  });
});
