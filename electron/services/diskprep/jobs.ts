import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { SeedDescriptor } from '../../../shared/staging.ts';
import { checkSeedText } from '../backup/job-files.ts';

export interface StagedJob {
  jobName: string;
  /** `<staging>/<job>` */
  folder: string;
  seed: SeedDescriptor;
  files: number;
  bytes: number;
}

export interface BrokenJob {
  folder: string;
  seedPath: string;
  reason: string;
}

export interface JobDiscovery {
  stagingLocation: string;
  jobs: StagedJob[];
  /** seed.json files that exist but failed their checks: named, never a crash. */
  broken: BrokenJob[];
}

/** Lists the import jobs of a staging location from `<staging>/*\/seed.json`. */
export async function discoverJobs(given: string): Promise<JobDiscovery> {
  const stagingLocation = resolve(given);
  let entries;
  try {
    entries = await readdir(stagingLocation, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new AppError('NOT_FOUND', `Staging location not found: ${stagingLocation}`, { path: stagingLocation });
    if (code === 'ENOTDIR')
      throw new AppError('VALIDATION', `Staging location is not a folder: ${stagingLocation}`, {
        path: stagingLocation,
      });
    throw new AppError(
      'PERMISSION_DENIED',
      `Cannot read the staging location ${stagingLocation}: ${(err as Error).message}`,
      { path: stagingLocation },
    );
  }
  const jobs: StagedJob[] = [];
  const broken: BrokenJob[] = [];
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const folder = join(stagingLocation, e.name);
    const seedPath = join(folder, 'seed.json');
    let text: string;
    try {
      text = await readFile(seedPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      broken.push({ folder, seedPath, reason: `cannot be read: ${(err as Error).message}` });
      continue;
    }
    const parsed = checkSeedText(text);
    if (!parsed.ok) {
      broken.push({ folder, seedPath, reason: parsed.reason });
      continue;
    }
    const seed = parsed.seed;
    if (seed.jobName !== e.name) {
      broken.push({ folder, seedPath, reason: `names job "${seed.jobName}" but sits in folder "${e.name}"` });
      continue;
    }
    jobs.push({
      jobName: seed.jobName,
      folder,
      seed,
      files: seed.files.length,
      bytes: seed.files.reduce((s, f) => s + f.length, 0),
    });
  }
  return { stagingLocation, jobs, broken };
}

/** Picks one job: the named one, or the only one; several without a name → CONFLICT listing them. */
export async function findJob(stagingLocation: string, jobName?: string): Promise<StagedJob> {
  const d = await discoverJobs(stagingLocation);
  if (jobName) {
    const j = d.jobs.find((x) => x.jobName === jobName);
    if (j) return j;
    const b = d.broken.find((x) => basename(x.folder) === jobName);
    if (b)
      throw new AppError('CORRUPT_DATA', `The seed.json of job "${jobName}" (${b.seedPath}) ${b.reason}.`, {
        path: b.seedPath,
      });
    throw new AppError(
      'NOT_FOUND',
      `No import job "${jobName}" in ${d.stagingLocation} (found: ${d.jobs.map((x) => x.jobName).join(', ') || 'none'}).`,
    );
  }
  if (d.jobs.length === 1) return d.jobs[0];
  if (d.jobs.length === 0) {
    const extra = d.broken.length ? ` Damaged: ${d.broken.map((b) => `${b.seedPath} ${b.reason}`).join('; ')}.` : '';
    throw new AppError('NOT_FOUND', `No import job found in ${d.stagingLocation} (no <job>/seed.json).${extra}`, {
      path: d.stagingLocation,
    });
  }
  throw new AppError(
    'CONFLICT',
    `Several import jobs in ${d.stagingLocation}: ${d.jobs.map((x) => x.jobName).join(', ')}. Choose one (--job).`,
    {
      jobs: d.jobs.map((x) => x.jobName),
    },
  );
}
