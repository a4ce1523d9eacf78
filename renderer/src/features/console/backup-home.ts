/**
 * Where backups live and what later backups do, in the words every screen uses (SPEC decision 15). One home: when
 * online backups after the seed are part of the build, LATER_BACKUPS changes here and nowhere else.
 */
export const BACKUP_HOME =
  'Your backups live in the storage account container the seed is imported into, not in a Recovery Services vault: with that storage account and your passphrase, another machine can restore them.';

/** What scheduled runs do once the seed is imported (services/online/policy-run.ts). */
export const LATER_BACKUPS =
  'After the import, each scheduled run uploads a restore point of the changes to that container: only new data is sent, and the retention settings decide how long each point is kept.';
