import type { HandlerSlice } from './types.ts';
import type { backupInvoke } from '../../shared/contract/backup.ts';

/** Back Up Now / Verify / Recover Data. The passphrase is passed through to the service and never logged. */
export const backupHandlers: HandlerSlice<keyof typeof backupInvoke> = {
  'backup:start': async (req, { services }) => services.backup.start(req),
  'backup:startOnline': async ({ retainUntil }, { services }) =>
    services.policies.backUpNow(retainUntil ? { retainUntil } : {}),
  'backup:estimate': async (req, { services }) => services.backup.estimate(req),
  'backup:verify': async (req, { services }) => services.backup.verify(req),
  'backup:checkPassphrase': async (req, { services }) => services.backup.checkPassphrase(req),
  'backup:jobs': async ({ stagingLocation }, { services }) => services.backup.jobs(stagingLocation),
  'recover:list': async (req, { services }) => services.backup.list(req),
  'recover:points': async (req, { services }) => services.backup.points(req),
  'recover:start': async (req, { services }) => services.backup.recover(req),
};
