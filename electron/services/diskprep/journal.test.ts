import { describe, expect, it, vi } from 'vitest';
import { mkdir, readdir, readFile, writeFile, type FileHandle } from 'node:fs/promises';
import type * as FsPromises from 'node:fs/promises';
import { join } from 'node:path';
import { decodeLine, encodeRecord, recordSum, splitJournal, type JournalRecord } from './journal-format.ts';
import { Journal, mergeJournals, parseJournal, replay } from './journal.ts';
import { tempDir } from './test-staging.ts';

/** Every FileHandle journal.ts opens, to check that none is left open (closed handles have fd -1). */
const opened = vi.hoisted(() => [] as FileHandle[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  return {
    ...real,
    open: async (...a: Parameters<typeof real.open>) => {
      const fh = await real.open(...a);
      opened.push(fh);
      return fh;
    },
  };
});

const H = (c: string) => c.repeat(32);
const REC: JournalRecord[] = [
  { t: 'begin', v: 1, job: 'j', serial: 'S', session: 'obc-session-1' },
  { t: 'start', path: 'packs/a' },
  { t: 'commit', path: 'packs/a', length: 512, md5: H('A'), ranges: [H('B')] },
  { t: 'start', path: 'packs/b' },
  { t: 'commit', path: 'packs/b', length: 4 * 1024 * 1024 + 512, md5: H('C'), ranges: [H('D'), H('E')] },
];
const text = (recs: JournalRecord[]) => recs.map(encodeRecord).join('');
/** Flips one character of a line's value (valid JSON still): `field` names which value. */
function flip(line: string, field: 'md5' | 'ranges' | 'length'): string {
  const m =
    field === 'ranges'
      ? /"ranges":\["(.)/.exec(line)!
      : field === 'md5'
        ? /"md5":"(.)/.exec(line)!
        : /"length":(\d)/.exec(line)!;
  const at = m.index + m[0].length - 1;
  const c = line[at] === 'A' || line[at] === '1' ? (field === 'length' ? '2' : 'B') : field === 'length' ? '1' : 'A';
  return line.slice(0, at) + c + line.slice(at + 1);
}
const lines = (t: string) => t.split('\n').slice(0, -1);
const vol = (root: string) => ({
  root,
  serial: 'S',
  bitLockerKey: '',
  capacityBytes: 1e9,
  ensureRoom: () => undefined,
  released: () => undefined,
});

describe('journal record format', () => {
  it('each line carries a 16-hex SHA-256 of the canonical record (key order does not matter) and decodes back', () => {
    const line = encodeRecord(REC[2]);
    expect(line.endsWith('\n')).toBe(true);
    const sum = (JSON.parse(line) as { sum: string }).sum;
    expect(sum).toMatch(/^[0-9a-f]{16}$/);
    expect(recordSum({ ranges: [H('B')], md5: H('A'), length: 512, path: 'packs/a', t: 'commit' })).toBe(sum);
    expect(decodeLine(line.slice(0, -1))).toEqual({ ok: true, rec: REC[2] });
  });

  it('a flipped whole-file MD5, range MD5 or length, a missing or altered sum, garbage: each is damaged, with the reason', () => {
    const line = encodeRecord(REC[4]).slice(0, -1);
    for (const f of ['md5', 'ranges', 'length'] as const) {
      const bad = flip(line, f);
      expect(bad).not.toBe(line);
      expect(JSON.parse(bad)).toBeTruthy(); // still valid JSON: only the checksum tells
      expect(decodeLine(bad)).toMatchObject({ ok: false, reason: expect.stringMatching(/fails its checksum/) });
    }
    const { sum: _sum, ...bare } = JSON.parse(line) as Record<string, unknown>;
    expect(decodeLine(JSON.stringify(bare))).toMatchObject({ ok: false, reason: expect.stringMatching(/no checksum/) });
    expect(decodeLine(line.replace(/"sum":"(.)/, (_m, c: string) => `"sum":"${c === '0' ? '1' : '0'}`))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/fails its checksum/),
    });
    expect(decodeLine('{"t":"co\u0000mit"')).toMatchObject({ ok: false, reason: 'is not valid JSON' });
    // A record that holds its sum but is not a known shape (only a bug writes that) is not trusted either.
    const odd = { t: 'commit', path: 'x', length: -1, md5: H('A'), ranges: [] };
    expect(decodeLine(JSON.stringify({ ...odd, sum: recordSum(odd) }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not a known record/),
    });
  });

  it('commit records: old (md5 only), with both, and new (seed format 4: sha256, no md5) read; neither is damaged', () => {
    const sha = 'ab'.repeat(32);
    const recs: Array<Extract<JournalRecord, { t: 'commit' }>> = [
      { t: 'commit', path: 'packs/old', length: 512, md5: H('A'), ranges: [H('B')] },
      { t: 'commit', path: 'packs/both', length: 512, md5: H('A'), ranges: [H('B')], sha256: sha },
      { t: 'commit', path: 'packs/new', length: 512, ranges: [H('B')], sha256: sha },
    ];
    for (const r of recs) expect(decodeLine(encodeRecord(r).slice(0, -1)), r.path).toEqual({ ok: true, rec: r });
    const st = replay(recs);
    expect(st.committed.get('packs/old')).toEqual({ path: 'packs/old', length: 512, md5: H('A'), ranges: [H('B')] });
    expect(st.committed.get('packs/new')).toEqual({ path: 'packs/new', length: 512, ranges: [H('B')], sha256: sha });
    expect(st.committed.get('packs/new')).not.toHaveProperty('md5');
    // A record with its sum but neither hash (only a bug writes that) is not trusted.
    const neither = { t: 'commit', path: 'packs/x', length: 512, ranges: [H('B')] };
    expect(decodeLine(JSON.stringify({ ...neither, sum: recordSum(neither) }))).toEqual({
      ok: false,
      reason: 'holds its checksum but is not a known record (a commit record needs md5 or sha256)',
    });
  });

  it('splitJournal leaves out a torn tail (in bytes, even with invalid UTF-8 before it)', () => {
    const good = text(REC.slice(0, 2));
    const buf = Buffer.concat([Buffer.from(good), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('{"t":"sta')]);
    const s = splitJournal(buf);
    expect(s.lines).toHaveLength(3);
    expect(s.lines[2].decoded.ok).toBe(false);
    expect(s.validBytes).toBe(Buffer.byteLength(good) + 3);
    expect(s.tornTail).toBe(true);
  });
});

describe('replay and parseJournal: only checksummed records count', () => {
  it('a commit whose line fails its checksum is not committed; a damaged line undoes "verified" until a later one', () => {
    const ls = lines(
      text([
        ...REC,
        { t: 'manifest', md5: H('F'), bytes: 100 },
        { t: 'verified', files: 2, bytes: 4 * 1024 * 1024 + 1024 },
      ]),
    );
    ls[2] = flip(ls[2], 'md5');
    const p = parseJournal(ls.join('\n') + '\n');
    expect(p.damagedLines).toEqual([3]);
    const st = replay(p.records);
    expect([...st.committed.keys()]).toEqual(['packs/b']);
    expect(st.verified).toBe(true); // the verified record came after the damage
    expect(st.damagedLines).toEqual([3]);
    const tail = lines(text([...REC, { t: 'verified', files: 2, bytes: 1 }]));
    tail[5] = flip(tail[4], 'ranges'); // the damaged line is the last complete one
    expect(replay(parseJournal(tail.slice(0, 6).join('\n') + '\n').records).verified).toBe(false);
  });

  it('the torn last line is dropped silently (no damage reported)', () => {
    const t = text(REC.slice(0, 3));
    const p = parseJournal(t + '{"t":"start","pa');
    expect(p.records).toHaveLength(3);
    expect(p.damagedLines).toEqual([]);
    expect(p.validBytes).toBe(Buffer.byteLength(t));
  });
});

describe('mergeJournals: the disk is the authority, the mirror fills in damaged lines', () => {
  const split = (ls: string[]) => splitJournal(ls.map((l) => `${l}\n`).join('')).lines;

  it('disk line damaged, mirror holds it → the mirror record is used', () => {
    const disk = lines(text(REC));
    const mirror = [...disk];
    disk[2] = flip(disk[2], 'md5');
    const m = mergeJournals(split(disk), split(mirror));
    expect(m.records).toEqual(REC);
    expect(m.lines).toEqual(mirror);
    expect(m.issues).toEqual([{ kind: 'fromMirror', line: 3, reason: expect.stringMatching(/fails its checksum/) }]);
  });

  it('both copies damaged → a damaged marker (the file is not committed); mirror-only damage is reported, the disk line used', () => {
    const disk = lines(text(REC));
    const mirror = [...disk];
    disk[4] = flip(disk[4], 'ranges');
    mirror[4] = flip(mirror[4], 'length');
    mirror[2] = flip(mirror[2], 'md5');
    const m = mergeJournals(split(disk), split(mirror));
    expect(m.records[4]).toEqual({ t: 'damaged', line: 5 });
    expect(m.records[2]).toEqual(REC[2]);
    expect([...replay(m.records).committed.keys()]).toEqual(['packs/a']);
    expect(m.issues.map((i) => i.kind)).toEqual(['mirrorDamaged', 'lost']);
    expect(m.issues[1]).toMatchObject({ hint: ' (it looks like the commit record of packs/b)' });
  });

  it('a mirror that differs where both hold their checksums is not used at all; mirror lines past the disk end are ignored', () => {
    const disk = lines(text(REC.slice(0, 3)));
    disk[2] = flip(disk[2], 'md5');
    const other = lines(text([REC[0], REC[3], REC[4]])); // line 2 differs; its line 3 would commit packs/b
    const m = mergeJournals(split(disk), split(other));
    expect(m.issues.map((i) => i.kind)).toEqual(['mirrorDiffers', 'lost']);
    expect(m.issues[0]).toEqual({ kind: 'mirrorDiffers', line: 2 });
    expect(replay(m.records).committed.size).toBe(0);
    expect(replay(m.records).partial).toBe('packs/a');
    const longer = mergeJournals(split(lines(text(REC.slice(0, 2)))), split(lines(text(REC))));
    expect(longer.records).toEqual(REC.slice(0, 2));
    expect(longer.issues).toEqual([]);
  });
});

describe('Journal.open', () => {
  async function setup(diskText: string | Buffer, mirrorText?: string) {
    const root = await tempDir('obc-journal-');
    const dir = join(root, 'disk');
    await mkdir(join(root, 'state'), { recursive: true });
    await mkdir(dir);
    await writeFile(join(dir, 'obc-journal.json'), diskText);
    const mp = join(root, 'state', 'journal-S.json');
    if (mirrorText !== undefined) await writeFile(mp, mirrorText);
    return { root, dir, mp, diskPath: join(dir, 'obc-journal.json') };
  }

  it('a failure after the disk journal was opened closes it (no handle left to the garbage collector)', async () => {
    const s = await setup(text(REC.slice(0, 2)));
    const notADir = join(s.root, 'not-a-folder');
    await writeFile(notADir, 'x');
    opened.length = 0;
    await expect(Journal.open(vol(s.dir), join(notADir, 'journal-S.json'))).rejects.toThrow();
    expect(opened.length).toBe(1);
    expect(opened.map((fh) => fh.fd)).toEqual([-1]);
  });

  it('drops a torn last line, truncates it away, appends with checksums and mirrors the disk journal', async () => {
    const s = await setup(text(REC.slice(0, 2)) + '{"t":"commit","path":"packs/a","len');
    const j = await Journal.open(vol(s.dir), s.mp);
    expect(j.warnings).toEqual([]);
    expect(j.state().partial).toBe('packs/a');
    await j.append(REC[2]);
    await j.close();
    const disk = await readFile(s.diskPath, 'utf8');
    expect(disk).toBe(text(REC.slice(0, 3)));
    expect(await readFile(s.mp, 'utf8')).toBe(disk);
  });

  it('repairs from the mirror: names disk serial, journal path and line; the mirror keeps the good line', async () => {
    const good = lines(text(REC));
    const bad = [...good];
    bad[2] = flip(bad[2], 'md5');
    const s = await setup(bad.join('\n') + '\n', good.join('\n') + '\n');
    const j = await Journal.open(vol(s.dir), s.mp);
    expect(j.state().committed.get('packs/a')?.md5).toBe(H('A'));
    expect(j.warnings).toHaveLength(1);
    expect(j.warnings[0]).toContain(`Disk S: journal ${s.diskPath} line 3 fails its checksum`);
    expect(j.warnings[0]).toContain(`mirror ${s.mp}`);
    await j.close();
    expect(await readFile(s.mp, 'utf8')).toBe(good.join('\n') + '\n');
    expect(await readFile(s.diskPath, 'utf8')).toBe(bad.join('\n') + '\n'); // the disk's journal is never rewritten
  });

  it('both damaged: the file is not committed and the message says it is copied again; a damaged mirror is kept aside', async () => {
    const good = lines(text(REC));
    const bad = [...good];
    bad[4] = flip(bad[4], 'length');
    const mirror = [...good];
    mirror[4] = flip(mirror[4], 'ranges');
    mirror[1] = mirror[1].replace('packs/a', 'packs/A');
    const s = await setup(bad.join('\n') + '\n', mirror.join('\n') + '\n');
    const j = await Journal.open(vol(s.dir), s.mp);
    await j.close();
    expect([...j.state().committed.keys()]).toEqual(['packs/a']);
    expect(j.state().damagedLines).toEqual([5]);
    expect(j.warnings.join('\n')).toMatch(
      new RegExp(
        `Disk S: journal .*obc-journal\\.json line 5 fails its checksum \\(recorded \\w+, content gives \\w+\\), and the mirror .* has no good copy \\(its line 5 fails its checksum\\)\\. The record is not trusted \\(it looks like the commit record of packs/b.*copied again from staging`,
      ),
    );
    expect(j.warnings.join('\n')).toMatch(
      /the journal mirror .* is damaged at line\(s\) 2; .*old mirror kept as .*replaced-/,
    );
    expect((await readdir(join(s.root, 'state'))).filter((f) => f.includes('.replaced-'))).toHaveLength(1);
  });
});
