/**
 * fast-check generator of hostile file trees for the backup round-trip oracle, and the code that writes one to
 * disk. Names are bytes: backslashes, bytes that are not UTF-8, control and bidi characters, NFC/NFD twins, case
 * twins, names up to 255 bytes and deep chains of them; empty files and folders, sparse files, hard links,
 * symlinks (inside, outside, dangling, non-UTF-8 targets), modes (setuid, sticky, read-only folders) and mtimes.
 * Trees stay small (a few dozen entries, under 1 MiB) so hundreds fit in a CI run.
 */
import fc from 'fast-check';
import { chmod, link, lutimes, mkdir, open, symlink, utimes } from 'node:fs/promises';
import { prng } from '../../electron/services/backup/test-trees.ts';

export type Content =
  | { kind: 'empty' }
  | { kind: 'random'; seed: number; length: number }
  | { kind: 'text'; line: string; times: number }
  | { kind: 'sparse'; size: number; islands: Array<[number, number]> };
export type TreeNode =
  | { type: 'file'; name: Buffer; content: Content; mode: number; mtimeMs: number }
  | { type: 'dir'; name: Buffer; children: TreeNode[]; mode: number; mtimeMs: number }
  | { type: 'symlink'; name: Buffer; target: Buffer; mtimeMs: number }
  /** A second name for the n-th file written before it (in write order). */
  | { type: 'hardlink'; name: Buffer; nth: number };

const B = (s: string) => Buffer.from(s, 'utf8');

/** Name bytes: anything but NUL and '/', never '.' or '..'. */
const rawBytesName = fc
  .uint8Array({ minLength: 1, maxLength: 10 })
  .map((a) => Buffer.from(a.map((b) => (b === 0 || b === 0x2f ? 0x5c : b))))
  .filter((b) => !b.equals(B('.')) && !b.equals(B('..')));
const plainName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._ -]{0,11}$/).map(B);
const hostileText = fc
  .constantFrom(
    'a\\b',
    '\\',
    '\\\\',
    '\\xFF',
    'back\\slash\\',
    'tab\tname',
    'bell\x07',
    'esc\x1b[31m',
    'new\nline',
    '\u202Eevil',
    'émoji 🎉',
    '文件',
    'CON',
    'nul.txt',
    'trailing.',
    'trailing ',
    ' lead',
    '-rf',
    '*?',
    'C:',
    '%TEMP%',
  )
  .map(B);
const longName = fc
  .integer({ min: 200, max: 255 })
  .chain((n) => fc.constantFrom('x', 'é', '文').map((c) => Buffer.from(c.repeat(n), 'utf8').subarray(0, n)));
const name = fc
  .oneof(
    { weight: 4, arbitrary: plainName },
    { weight: 3, arbitrary: hostileText },
    { weight: 3, arbitrary: rawBytesName },
    { weight: 1, arbitrary: longName },
  )
  .map((b) => {
    // A long name cut inside a multi-byte character is still a valid (non-UTF-8) name; keep it within 255 bytes.
    return b.subarray(0, 255);
  });

const content: fc.Arbitrary<Content> = fc.oneof(
  fc.constant({ kind: 'empty' as const }),
  fc.record({
    kind: fc.constant('random' as const),
    seed: fc.integer({ min: 0, max: 1 << 20 }),
    length: fc.integer({ min: 1, max: 200_000 }),
  }),
  fc.record({
    kind: fc.constant('text' as const),
    line: fc.string({ maxLength: 40 }),
    times: fc.integer({ min: 1, max: 2000 }),
  }),
  fc.record({
    kind: fc.constant('sparse' as const),
    size: fc.integer({ min: 1 << 20, max: 6 << 20 }),
    islands: fc.array(fc.tuple(fc.integer({ min: 0, max: (5 << 20) - 1 }), fc.integer({ min: 1, max: 4096 })), {
      maxLength: 3,
    }),
  }),
);
// Files always readable by their owner, folders always enterable (the backup runs as the owner).
const fileMode = fc.constantFrom(0o644, 0o600, 0o755, 0o400, 0o777, 0o4755, 0o2750, 0o640);
const dirMode = fc.constantFrom(0o755, 0o700, 0o555, 0o1777, 0o750);
const mtimeMs = fc.oneof(
  fc.integer({ min: 631_152_000_000, max: 1_893_456_000_000 }),
  fc.integer({ min: 0, max: 1_893_456_000_000 }).map((m) => m + 0.5),
);
const target: fc.Arbitrary<Buffer> = fc.oneof(
  plainName, // a sibling (maybe dangling)
  fc
    .constantFrom('../x', '../../..', '/etc/hostname', '/nonexistent/at/all', '.', 'a\\b', '')
    .map(B)
    .filter((b) => b.length > 0),
  rawBytesName,
);

const leaf: fc.Arbitrary<TreeNode> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('file' as const), name, content, mode: fileMode, mtimeMs }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('symlink' as const), name, target, mtimeMs }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('hardlink' as const), name, nth: fc.nat(20) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('dir' as const),
      name,
      children: fc.constant([] as TreeNode[]),
      mode: dirMode,
      mtimeMs,
    }),
  },
);

/** Twins that must stay apart: NFC/NFD spellings of one word, and names that differ only in case. */
const twins: fc.Arbitrary<TreeNode[]> = fc
  .constantFrom(['caf\u00e9', 'cafe\u0301'], ['README', 'readme', 'ReadMe'], ['a\\b', 'a'])
  .chain((names) =>
    fc.tuple(
      ...names.map((n) =>
        fc.record({ type: fc.constant('file' as const), name: fc.constant(B(n)), content, mode: fileMode, mtimeMs }),
      ),
    ),
  );

const { tree } = fc.letrec<{ tree: TreeNode[]; node: TreeNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ type: fc.constant('dir' as const), name, children: tie('tree'), mode: dirMode, mtimeMs }),
  ),
  tree: fc
    .tuple(fc.array(tie('node'), { maxLength: 6 }), fc.option(twins, { freq: 3 }))
    .map(([nodes, tw]) => dedupe([...nodes, ...(tw ?? [])])),
}));

/** A deep chain of long folder names (a long path) ending in one file. */
const longChain: fc.Arbitrary<TreeNode> = fc
  .tuple(fc.array(longName, { minLength: 3, maxLength: 8 }), content, fileMode, mtimeMs)
  .map(([names, c, mode, mt]) => {
    let node: TreeNode = { type: 'file', name: B('end.bin'), content: c, mode, mtimeMs: mt };
    for (const n of names.reverse()) node = { type: 'dir', name: n, children: [node], mode: 0o755, mtimeMs: mt };
    return node;
  });

/** No two entries of one folder with the same bytes (the generator may draw a name twice). */
function dedupe(nodes: TreeNode[]): TreeNode[] {
  const seen = new Set<string>();
  return nodes.filter((n) => {
    const k = n.name.toString('hex');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export const hostileTree: fc.Arbitrary<TreeNode[]> = fc
  .tuple(tree, fc.option(longChain, { freq: 4 }))
  .map(([t, chain]) => dedupe([...t, ...(chain ? [chain] : [])]));

async function writeContent(path: Buffer, c: Content, mode: number): Promise<void> {
  const fh = await open(path, 'wx', 0o600);
  try {
    if (c.kind === 'random') await fh.write(prng(c.seed)(c.length));
    else if (c.kind === 'text') await fh.write(Buffer.from(c.line.repeat(c.times), 'utf8'));
    else if (c.kind === 'sparse') {
      await fh.truncate(c.size);
      for (const [at, len] of c.islands.filter(([a]) => a < c.size))
        await fh.write(prng(at)(Math.min(len, c.size - at)), 0, Math.min(len, c.size - at), at);
    }
  } finally {
    await fh.close();
  }
  await chmod(path, mode);
}

/** Writes the tree below `root` (which must exist); returns how many entries it wrote. */
export async function writeTree(root: Buffer, nodes: TreeNode[]): Promise<number> {
  const files: Buffer[] = [];
  const dirs: Array<{ path: Buffer; mode: number; mtimeMs: number }> = [];
  const times: Array<{ path: Buffer; mtimeMs: number; link: boolean }> = [];
  let count = 0;
  const write = async (dir: Buffer, list: TreeNode[]): Promise<void> => {
    for (const n of list) {
      const p = Buffer.concat([dir, B('/'), n.name]);
      count++;
      if (n.type === 'file') {
        await writeContent(p, n.content, n.mode);
        files.push(p);
        times.push({ path: p, mtimeMs: n.mtimeMs, link: false });
      } else if (n.type === 'symlink') {
        await symlink(n.target, p);
        times.push({ path: p, mtimeMs: n.mtimeMs, link: true });
      } else if (n.type === 'hardlink') {
        if (files.length === 0) {
          count--;
          continue;
        }
        await link(files[n.nth % files.length], p);
      } else {
        await mkdir(p, { mode: 0o700 });
        await write(p, n.children);
        dirs.push({ path: p, mode: n.mode, mtimeMs: n.mtimeMs });
      }
    }
  };
  await write(root, nodes);
  // Times after everything is written (writing into a folder changes its mtime); folders deepest first, and their
  // modes last (a read-only folder cannot take new entries).
  for (const t of times) await (t.link ? lutimes : utimes)(t.path, t.mtimeMs / 1000, t.mtimeMs / 1000);
  for (const d of dirs) {
    await utimes(d.path, d.mtimeMs / 1000, d.mtimeMs / 1000);
    await chmod(d.path, d.mode);
  }
  return count;
}
