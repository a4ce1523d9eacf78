import type { Command } from 'commander';
import { register as registerAzure } from './azure.ts';
import { register as registerBackup } from './backup.ts';
import { register as registerDiskprep } from './diskprep.ts';
import { register as registerImportVerify } from './import-verify.ts';
import { register as registerPolicy } from './policy.ts';
import { register as registerSandbox } from './sandbox.ts';

/**
 * Each domain adds its commands in its own file (electron/cli/commands/<domain>.ts) exporting
 * `register(program)`, and one line here.
 */
export function registerAll(program: Command): void {
  void program;
  registerAzure(program);
  registerBackup(program);
  registerDiskprep(program);
  registerImportVerify(program);
  registerPolicy(program);
  registerSandbox(program);
}
