import type { HandlerSlice } from './types.ts';
import type { importVerifyInvoke } from '../../shared/contract/import-verify.ts';

/** Verify imported data (after an import job completed) and copy the drive logs. */
export const importVerifyHandlers: HandlerSlice<keyof typeof importVerifyInvoke> = {
  'importVerify:start': async (req, { services }) => services.importVerify.start(req),
  'importVerify:lastReport': async ({ jobName }, { services }) => services.importVerify.lastReport(jobName),
  'importVerify:cleanupStaging': async (req, { services }) => services.importVerify.cleanupStaging(req),
  'importVerify:driveLog': async (req, { services }) => services.importVerify.driveLog(req),
};
