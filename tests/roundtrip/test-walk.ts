/**
 * The round-trip oracle's view of a tree, from tests/roundtrip/walk_tree.py (Python's os.walk and os.lstat on bytes
 * paths): nothing here uses the engine's scan, reader or restore. Debian's /usr/bin/python3 runs it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface WalkEntry {
  type: 'file' | 'dir' | 'link' | 'other';
  mode: number;
  /** Nanoseconds, as text (beyond 2^53). */
  mtime_ns: string;
  size?: number;
  sha256?: string;
  /** Link target bytes, hex. */
  target?: string;
  shown: string;
}
export type Walk = Record<string, WalkEntry>;

const SCRIPT = fileURLToPath(new URL('./walk_tree.py', import.meta.url));
export const PYTHON = '/usr/bin/python3';

/** Walks each root (text, or bytes for a root that is not UTF-8). */
export function walkTrees(roots: Array<string | Buffer>): Promise<Walk[]> {
  const args = roots.map((r) => (typeof r === 'string' ? r : `hex:${r.toString('hex')}`));
  if (!existsSync(PYTHON))
    return Promise.reject(
      new Error(`The round-trip oracle's tree walker needs ${PYTHON} (Debian: apt-get install -y python3).`),
    );
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, ...args], { maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${PYTHON} walk_tree.py failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as Walk[]);
    });
  });
}

export async function walkTree(root: string | Buffer): Promise<Walk> {
  return (await walkTrees([root]))[0];
}

export interface CompareRules {
  /** Largest mtime difference accepted (utimes takes seconds as a double: sub-microsecond rounding). */
  mtimeToleranceNs?: number;
  /** Folder permission bits the restore adds (it keeps folders writable for its owner). */
  dirModeAdded?: number;
  /** Compare mtimes of links too (lutimes may be unsupported). */
  linkMtimes?: boolean;
}

const absDiff = (x: string, y: string): bigint => {
  const d = BigInt(x) - BigInt(y);
  return d < 0n ? -d : d;
};

/** Differences between the source walk and the restored walk, one readable line each; [] = identical. */
export function compareWalks(src: Walk, out: Walk, rules: CompareRules = {}): string[] {
  const tol = rules.mtimeToleranceNs ?? 2_000;
  const diffs: string[] = [];
  for (const [k, a] of Object.entries(src)) {
    const b = out[k];
    const at = a.shown;
    if (!b) {
      diffs.push(`missing: ${at}`);
      continue;
    }
    if (a.type !== b.type) {
      diffs.push(`type ${a.type} → ${b.type}: ${at}`);
      continue;
    }
    if (a.type === 'file' && (a.size !== b.size || a.sha256 !== b.sha256))
      diffs.push(`bytes differ (${a.size} → ${b.size}): ${at}`);
    if (a.type === 'link' && a.target !== b.target) diffs.push(`link target differs: ${at}`);
    const mode = a.type === 'dir' ? a.mode | (rules.dirModeAdded ?? 0) : a.mode;
    if (a.type !== 'link' && mode !== b.mode) diffs.push(`mode ${a.mode.toString(8)} → ${b.mode.toString(8)}: ${at}`);
    if ((a.type !== 'link' || rules.linkMtimes) && absDiff(a.mtime_ns, b.mtime_ns) > BigInt(tol))
      diffs.push(`mtime ${a.mtime_ns} → ${b.mtime_ns}: ${at}`);
  }
  for (const [k, b] of Object.entries(out)) if (!src[k]) diffs.push(`extra: ${b.shown}`);
  return diffs;
}
