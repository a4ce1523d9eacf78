/**
 * Where backups live and what later backups do, in the words every screen uses (SPEC decision 15). One home: when
 * online backups after the seed are part of the build, LATER_BACKUPS changes here and nowhere else.
 */
export const BACKUP_HOME =
  'Your backups live in the storage account container the seed is imported into, not in a Recovery Services vault: with that storage account and your passphrase, another machine can restore them.';

/** True of this build: scheduled runs after the import are recorded in Jobs and send nothing (services/policies/online-run.ts). */
export const LATER_BACKUPS =
  'Online backups of later changes to that container are not part of this build yet: scheduled runs after the import are recorded in Jobs, and no data leaves this machine.';
