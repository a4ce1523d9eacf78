/** Test helper (never used at run time): what the direct-I/O tests of the backup and Disk Prep expect. */
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { O_DIRECT } from './direct-io.ts';

/** Whether this folder takes O_DIRECT at all (Linux, not tmpfs): what the code under test must then have used. */
export function directWorks(dir: string): boolean {
  if (!O_DIRECT) return false;
  try {
    closeSync(openSync(join(dir, 'probe'), constants.O_WRONLY | constants.O_CREAT | O_DIRECT));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EINVAL') return false;
    throw err;
  }
}
