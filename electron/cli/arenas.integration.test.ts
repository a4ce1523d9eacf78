import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./index.ts', import.meta.url));
/** Preloaded into the CLI (and again into what it execs): its pid and MALLOC_ARENA_MAX, one line on stderr. */
const PROBE = `data:text/javascript,${encodeURIComponent(
  `process.stderr.write('probe ' + process.pid + ' ' + process.env.MALLOC_ARENA_MAX + '\\n');`,
)}`;

function run(args: string[], arenas?: string): { pid: number; status: number | null; probes: string[] } {
  const env = { ...process.env };
  delete env.MALLOC_ARENA_MAX;
  if (arenas !== undefined) env.MALLOC_ARENA_MAX = arenas;
  const r = spawnSync(process.execPath, ['--import', PROBE, CLI, ...args], { env, encoding: 'utf8' });
  const probes = r.stderr.split('\n').filter((l) => l.startsWith('probe '));
  return { pid: r.pid, status: r.status, probes };
}

describe.runIf(process.platform === 'linux' && typeof process.execve === 'function')('obc backup malloc arenas', () => {
  it('re-executes `backup` in the same process with MALLOC_ARENA_MAX=2', () => {
    const r = run(['backup', '--help']);
    expect(r.status).toBe(0);
    expect(r.probes).toEqual([`probe ${r.pid} undefined`, `probe ${r.pid} 2`]);
  });

  it('keeps a MALLOC_ARENA_MAX the user set, and leaves other commands alone', () => {
    const set = run(['backup', '--help'], '1');
    expect(set.status).toBe(0);
    expect(set.probes).toEqual([`probe ${set.pid} 1`]);
    const other = run(['--help']);
    expect(other.status).toBe(0);
    expect(other.probes).toEqual([`probe ${other.pid} undefined`]);
  });
});
