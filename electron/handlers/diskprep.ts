import type { HandlerSlice } from './types.ts';
import type { diskprepInvoke } from '../../shared/contract/diskprep.ts';

export const diskprepHandlers: HandlerSlice<keyof typeof diskprepInvoke> = {
  'diskprep:jobs': async ({ stagingLocation }, { services }) => services.diskprep.jobs(stagingLocation),
  'diskprep:disks': async (req, { services }) => services.diskprep.disks(req),
  'diskprep:initFolderDisk': async (req, { services }) => services.diskprep.initFolderDisk(req),
  'diskprep:plan': async (req, { services }) => services.diskprep.plan(req),
  'diskprep:start': async (req, { services }) => services.diskprep.start(req),
  'diskprep:addDisk': async (req, { services }) => services.diskprep.addDisk(req),
  'diskprep:status': async (req, { services }) => services.diskprep.status(req),
  'diskprep:drives': async (req, { services }) => services.diskprep.drives(req),
  'diskprep:createJob': async (req, { services }) => services.diskprep.createImportJob(req, services.azure),
};
