import type { HandlerSlice } from './types.ts';

type BackupChannel = 'backup:start' | 'backup:estimate' | 'backup:verify' | 'backup:checkPassphrase' | 'backup:jobs' | 'recover:list' | 'recover:points' | 'recover:start';

/** Back Up Now / Verify / Recover Data. The passphrase is passed through to the service and never logged. */
export const backupHandlers: HandlerSlice<BackupChannel> = {
  'backup:start': async (req, { services }) => services.backup.start(req),
  'backup:estimate': async (req, { services }) => services.backup.estimate(req),
  'backup:verify': async (req, { services }) => services.backup.verify(req),
  'backup:checkPassphrase': async (req, { services }) => services.backup.checkPassphrase(req),
  'backup:jobs': async ({ stagingLocation }, { services }) => services.backup.jobs(stagingLocation),
  'recover:list': async (req, { services }) => services.backup.list(req),
  'recover:points': async (req, { services }) => services.backup.points(req),
  'recover:start': async (req, { services }) => services.backup.recover(req),
};
