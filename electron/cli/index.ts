#!/usr/bin/env node
/**
 * `obc`: the command line over the same services as the console.
 * Exit codes: 0 success, 1 failure, 2 bad usage, 3 completed with warnings, 4 needs more disk capacity.
 */
import { Command, CommanderError } from 'commander';
import { appVersion } from '../services/app-version.ts';
import { registerCommands } from './commands/registry.ts';
import { EXIT, printError } from './output.ts';

/** The program with the commands `argv` needs (all of them for help or no command). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('obc')
    .description('Offline Backup Console: seed the first Azure backup on your own disks.')
    .version(appVersion(), '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  await registerCommands(
    program,
    argv.find((a) => !a.startsWith('-')),
  );
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let program: Command;
  try {
    program = await buildProgram(argv);
  } catch (err) {
    printError(err, argv.includes('--json'));
    return EXIT.failure;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? EXIT.ok : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return EXIT.ok;
      return EXIT.usage;
    }
    printError(err, argv.includes('--json'));
    return EXIT.failure;
  }
}

/**
 * `obc backup` on Linux runs with at most two glibc malloc arenas. glibc gives threads that allocate their own arena
 * (up to 8 per core) and keeps what is freed in each: the backup's chunk workers, scan worker and libuv threads left
 * ~65 MiB in arenas on a 114 000-file tree, 20-45 MiB of it more than with two, for no measurable CPU
 * (services/backup/README.md, 2026-12-05 mem15). The variable is read when the process starts, so the CLI replaces
 * itself (execve: same pid, so signals, kill -9 and exit codes are as before) with the same command line and the
 * variable set; one the user set is kept, and where execve is missing (not Linux, an older Node) nothing changes.
 */
function execWithFewerArenas(argv: readonly string[]): void {
  if (process.platform !== 'linux' || process.env.MALLOC_ARENA_MAX !== undefined || !process.execve) return;
  if (argv.find((a) => !a.startsWith('-')) !== 'backup') return;
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    MALLOC_ARENA_MAX: '2',
  });
}

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  execWithFewerArenas(process.argv.slice(2));
  // main() reports its own errors and resolves to an exit code; a rejection would be a bug in it, still reported.
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = EXIT.failure;
    },
  );
}
