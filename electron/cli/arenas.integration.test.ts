import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./index.ts', import.meta.url));
/** Preloaded into the CLI (and again into what it execs): its pid and the two malloc variables, one line on stderr. */
const PROBE = `data:text/javascript,${encodeURIComponent(
  `process.stderr.write('probe ' + process.pid + ' ' + process.env.MALLOC_ARENA_MAX + ' ' + process.env.MALLOC_MMAP_THRESHOLD_ + ' ' + process.execArgv.filter((a) => a.startsWith('--max-semi')).join() + '\\n');`,
)}`;

function run(
  args: string[],
  set: { MALLOC_ARENA_MAX?: string; MALLOC_MMAP_THRESHOLD_?: string } = {},
  nodeArgs: string[] = [],
): { pid: number; status: number | null; probes: string[] } {
  const env = { ...process.env };
  delete env.MALLOC_ARENA_MAX;
  delete env.MALLOC_MMAP_THRESHOLD_;
  Object.assign(env, set);
  const r = spawnSync(process.execPath, [...nodeArgs, '--import', PROBE, CLI, ...args], { env, encoding: 'utf8' });
  const probes = r.stderr.split('\n').filter((l) => l.startsWith('probe '));
  return { pid: r.pid, status: r.status, probes };
}

const SEMI = '--max-semi-space-size=4';

describe.runIf(process.platform === 'linux' && typeof process.execve === 'function')(
  'obc backup malloc settings',
  () => {
    it('re-executes `backup` in the same process with two arenas and a small young generation, and no mmap threshold', () => {
      const r = run(['backup', '--help']);
      expect(r.status).toBe(0);
      expect(r.probes).toEqual([`probe ${r.pid} undefined undefined `, `probe ${r.pid} 2 undefined ${SEMI}`]);
    });

    it('keeps the values the user set, adds only what is missing, and leaves other commands alone', () => {
      const arenas = run(['backup', '--help'], { MALLOC_ARENA_MAX: '16' });
      expect(arenas.status).toBe(0);
      expect(arenas.probes).toEqual([`probe ${arenas.pid} 16 undefined `, `probe ${arenas.pid} 16 undefined ${SEMI}`]);
      const both = run(['backup', '--help'], { MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '65536' });
      expect(both.status).toBe(0);
      expect(both.probes).toEqual([`probe ${both.pid} 1 65536 `, `probe ${both.pid} 1 65536 ${SEMI}`]);
      const all = run(['backup', '--help'], { MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '65536' }, [
        '--max-semi-space-size=8',
      ]);
      expect(all.status).toBe(0);
      expect(all.probes).toEqual([`probe ${all.pid} 1 65536 --max-semi-space-size=8`]);
      const other = run(['--help']);
      expect(other.status).toBe(0);
      expect(other.probes).toEqual([`probe ${other.pid} undefined undefined `]);
    });
  },
);
