/**
 * The `obc` program: its commands and how a run becomes an exit code (index.ts is the entry point).
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
