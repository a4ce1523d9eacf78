import type { HandlerSlice } from './types.ts';
import { loadShippingDefaults, saveShippingDefaults } from '../services/shipping/defaults.ts';

type ImportVerifyChannel =
  | 'importVerify:start'
  | 'importVerify:lastReport'
  | 'importVerify:cleanupStaging'
  | 'importVerify:driveLog'
  | 'shipping:getDefaults'
  | 'shipping:saveDefaults';

/** Verify imported data (after an import job completed), copy logs, and the remembered shipping details. */
export const importVerifyHandlers: HandlerSlice<ImportVerifyChannel> = {
  'importVerify:start': async (req, { services }) => services.importVerify.start(req),
  'importVerify:lastReport': async ({ jobName }, { services }) => services.importVerify.lastReport(jobName),
  'importVerify:cleanupStaging': async (req, { services }) => services.importVerify.cleanupStaging(req),
  'importVerify:driveLog': async (req, { services }) => services.importVerify.driveLog(req),
  'shipping:getDefaults': async (_req, { services }) => loadShippingDefaults(services.dataDir),
  'shipping:saveDefaults': async (req, { services }) => saveShippingDefaults(services.dataDir, req),
};
