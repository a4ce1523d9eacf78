import type { Command } from 'commander';

interface CommandModule {
  /** The top-level commands the module registers (checked by registry.test.ts). */
  names: readonly string[];
  load: () => Promise<{ register(program: Command): void }>;
}

/**
 * Each domain adds its commands in its own file (electron/cli/commands/<domain>.ts) exporting `register(program)`,
 * and one entry here. Only the module of the command being run is loaded: `obc backup` then does not carry the Azure
 * SDKs, the sandbox or Disk Prep in memory beside the backup engine (about 70 MB less at start). Help, an unknown
 * command or no command loads them all.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  {
    names: ['signin', 'signout', 'account', 'clouds', 'subscriptions', 'storage-accounts', 'jobs'],
    load: () => import('./azure.ts'),
  },
  { names: ['backup', 'verify', 'restore'], load: () => import('./backup.ts') },
  { names: ['restore-points'], load: () => import('./restore-points.ts') },
  { names: ['diskprep', 'disks'], load: () => import('./diskprep.ts') },
  { names: ['verify-import', 'cleanup-staging'], load: () => import('./import-verify.ts') },
  { names: ['policy'], load: () => import('./policy.ts') },
  { names: ['agent'], load: () => import('./agent.ts') },
  { names: ['sandbox'], load: () => import('./sandbox.ts') },
];

/** Registers the module of `commandName`, or every module when it names none of them. */
export async function registerCommands(program: Command, commandName?: string): Promise<void> {
  const one = COMMAND_MODULES.find((m) => commandName !== undefined && m.names.includes(commandName));
  for (const m of one ? [one] : COMMAND_MODULES) (await m.load()).register(program);
}
