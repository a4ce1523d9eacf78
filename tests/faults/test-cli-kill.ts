/** Helpers of the backup fault tests: bytes under a folder, and a CLI run killed with SIGKILL at a byte threshold. */
import { lstatSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cli } from './test-cli.ts';

/** Bytes of every file below `d` (what a run has written so far); files renamed meanwhile are skipped. */
export function bytesUnder(d: string): number {
  let n = 0;
  let names: string[];
  try {
    names = readdirSync(d);
  } catch {
    return 0;
  }
  for (const name of names) {
    try {
      const s = lstatSync(join(d, name));
      n += s.isDirectory() ? bytesUnder(join(d, name)) : s.size;
    } catch {
      /* renamed or removed meanwhile */
    }
  }
  return n;
}

/**
 * Runs the CLI with `args` and kills it with SIGKILL as soon as `threshold` bytes are below `watched` (inotify on
 * `parent`, which must exist): real progress, no timers.
 */
export async function cliKilledAt(
  args: string[],
  parent: string,
  watched: string,
  threshold: number,
): Promise<{ killed: boolean; atBytes: number; code: number | null; stdout: string }> {
  await mkdir(parent, { recursive: true });
  let atBytes = -1;
  let w: FSWatcher | null = null;
  const r = await cli(args, {
    onChild: (child) => {
      w = watch(parent, { recursive: true }, () => {
        if (atBytes >= 0 || child.exitCode !== null) return;
        const b = bytesUnder(watched);
        if (b >= threshold) {
          atBytes = b;
          child.kill('SIGKILL');
        }
      });
    },
  });
  (w as FSWatcher | null)?.close();
  return { killed: r.signal === 'SIGKILL', atBytes, code: r.code, stdout: r.stdout };
}

/** Every name below `d` ending in `.tmp`, or the restore marker: what a finished run must not leave. */
export function leftovers(d: string): string[] {
  const out: string[] = [];
  const walk = (p: string, rel: string) => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.name.endsWith('.tmp') || e.name === '.obc-restore-unfinished') out.push(r);
      if (e.isDirectory()) walk(join(p, e.name), r);
    }
  };
  walk(d, '');
  return out;
}
