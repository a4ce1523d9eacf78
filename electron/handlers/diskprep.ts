import type { HandlerSlice } from './types.ts';

type DiskprepChannel =
  | 'diskprep:jobs'
  | 'diskprep:disks'
  | 'diskprep:initFolderDisk'
  | 'diskprep:plan'
  | 'diskprep:start'
  | 'diskprep:addDisk'
  | 'diskprep:status'
  | 'diskprep:drives'
  | 'diskprep:createJob';

export const diskprepHandlers: HandlerSlice<DiskprepChannel> = {
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
