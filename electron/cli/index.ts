#!/usr/bin/env node
/**
 * `obc`: the command line over the same services as the console (program.ts). This entry point imports no more
 * than it needs before `obc backup` replaces the process with its malloc settings (below): the program's modules are
 * loaded (and their types stripped) once, after the replacement, not twice (~0.07 s of every backup's start).
 */
/**
 * `obc backup` on Linux runs with at most two glibc malloc arenas (`MALLOC_ARENA_MAX=2`, read only when the process
 * starts). glibc gives threads that allocate their own arena (up to 8 per core) and keeps what is freed in each: the
 * backup's chunk workers, scan worker and libuv threads left ~65 MiB in arenas on a 114 000-file tree, 20-45 MiB of
 * it more than with two, for no measurable CPU (services/backup/README.md, 2026-12-05 mem15).
 * A fixed mmap threshold (`MALLOC_MMAP_THRESHOLD_=131072`, rss16) kept the main heap from growing with the file
 * count, but doubled the page faults and cost 5-6 % CPU and 4-7 % throughput on the 1 GiB corpus on the idle machine
 * (README 2026-12-05, lead), where throughput is the target still missed: it is not set; a user may set it.
 * The CLI replaces itself (execve: same pid, so signals, kill -9 and exit codes are as before) with the same command
 * line and the variables set; a value the user set is kept, and where execve is missing (not Linux, an older Node)
 * nothing changes.
 */
const MALLOC_SETTINGS = { MALLOC_ARENA_MAX: '2' } as const;

/**
 * And the main isolate's young generation at most 2 × 4 MiB (`--max-semi-space-size=4`, unless a size is given): V8
 * grows it to 2 × 16 MiB under the scan's and the catalog's garbage and keeps the pages, which on a loaded machine
 * made the start of a run of many files (the scan beside scrypt's 128 MiB) its peak; ~0.05 CPU-s more on the main
 * thread of a 114 000-file tree (README 2026-12-05 rss16). The chunk workers set their own limit.
 */
const SEMI_SPACE = '--max-semi-space-size=4';

function execWithMallocSettings(argv: readonly string[]): void {
  if (process.platform !== 'linux' || !process.execve) return;
  if (argv.find((a) => !a.startsWith('-')) !== 'backup') return;
  const missing = Object.entries(MALLOC_SETTINGS).filter(([k]) => process.env[k] === undefined);
  const semi = process.execArgv.some((a) => a.startsWith('--max-semi-space-size')) ? [] : [SEMI_SPACE];
  if (missing.length === 0 && semi.length === 0) return;
  process.execve(process.execPath, [process.execPath, ...semi, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    ...Object.fromEntries(missing),
  });
}

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  execWithMallocSettings(process.argv.slice(2));
  // main() reports its own errors and resolves to an exit code; a rejection would be a bug in it, still reported.
  import('./program.ts')
    .then(({ main }) => main(process.argv.slice(2)))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (err: unknown) => {
        console.error(err);
        process.exitCode = 1; // EXIT.failure (output.ts), not imported before the replacement
      },
    );
}
