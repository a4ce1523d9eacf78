import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { seedSchema, type SeedDescriptor } from '../../../shared/staging.ts';
import { readJsonStrict, readJsonValidated, writeJsonAtomic } from '../store/atomic.ts';

export const SEED_FILE = 'seed.json';
/** Resume state: not shipped (not in seed.files). Lists the packs that were written, read back and committed. */
export const STATE_FILE = '.obc-state.json';

/** SPEC decision 10. */
export const JOB_NAME_RE = /^[a-z][a-z0-9-]{1,63}$/;
export function assertJobName(name: string): void {
  if (!JOB_NAME_RE.test(name)) {
    throw new AppError(
      'VALIDATION',
      `Job name "${name}" is not valid: use 2–64 lowercase letters, digits and hyphens, starting with a letter.`,
      { field: 'job' },
    );
  }
}

export const stateSchema = z.object({
  version: z.literal(1),
  jobName: z.string(),
  packs: z.array(z.object({ n: z.number().int().positive(), path: z.string(), length: z.number().int(), sha256: z.string(), chunks: z.number().int() })),
  runs: z.number().int(),
});
export type JobState = z.infer<typeof stateSchema>;

export const jobDirOf = (staging: string, job: string): string => join(resolve(staging), job);

export async function readSeed(jobDir: string): Promise<SeedDescriptor | null> {
  const r = await readJsonValidated(join(jobDir, SEED_FILE), seedSchema, { keepAside: false });
  if (r.status === 'missing') return null;
  if (r.status === 'corrupt') throw new AppError('CORRUPT_DATA', `${join(jobDir, SEED_FILE)} is damaged: ${r.reason}`, { path: join(jobDir, SEED_FILE) });
  return r.value;
}

export const writeSeed = (jobDir: string, seed: SeedDescriptor): Promise<void> => writeJsonAtomic(join(jobDir, SEED_FILE), seedSchema.parse(seed));

export async function readState(jobDir: string): Promise<JobState | null> {
  const r = await readJsonValidated(join(jobDir, STATE_FILE), stateSchema, { keepAside: false });
  if (r.status === 'missing') return null;
  if (r.status === 'corrupt') throw new AppError('CORRUPT_DATA', `Resume state ${join(jobDir, STATE_FILE)} is damaged: ${r.reason}`, { path: join(jobDir, STATE_FILE) });
  return r.value;
}

export const writeState = (jobDir: string, state: JobState): Promise<void> => writeJsonAtomic(join(jobDir, STATE_FILE), state);

export interface StagingJobInfo {
  jobName: string;
  dir: string;
  state: 'inProgress' | 'complete' | 'damaged';
  seed?: SeedDescriptor;
  problem?: string;
}

/** Jobs found in a staging location (one folder per job, each with a seed.json). */
export async function listStagingJobs(staging: string): Promise<StagingJobInfo[]> {
  let names: string[];
  try {
    names = (await readdir(resolve(staging), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('NOT_FOUND', `Staging location not found: ${staging}`, { path: staging });
    throw err;
  }
  const out: StagingJobInfo[] = [];
  for (const name of names) {
    const dir = join(resolve(staging), name);
    const text = await readFile(join(dir, SEED_FILE), 'utf8').catch(() => null);
    if (text === null) continue;
    try {
      const seed = await readJsonStrict(join(dir, SEED_FILE), seedSchema, 'seed.json');
      out.push({ jobName: seed.jobName, dir, state: seed.state, seed });
    } catch (err) {
      out.push({ jobName: name, dir, state: 'damaged', problem: (err as Error).message });
    }
  }
  return out;
}
