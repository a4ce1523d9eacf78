import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { checkJobName } from '../../../shared/validators/azure-names.ts';
import { canonicalJsonTo } from '../../../shared/canonical-json.ts';
import { SEED_FORMAT_VERSION, seedSchema, seedVersionProblem, type SeedDescriptor } from '../../../shared/staging.ts';
import { writeFileAtomicWith } from '../store/atomic.ts';
import { startDerivation, type KdfParams, type SeedCrypto, type StartedDerivation } from './crypto.ts';

export const SEED_FILE = 'seed.json';

/** The import job name rule (SPEC decision 10, shared/validators/azure-names.ts) at the engine's boundary. */
export function assertJobName(name: string): void {
  const problem = checkJobName(name);
  if (problem) throw new AppError('VALIDATION', problem, { field: 'job' });
}

export const jobDirOf = (stagingLocation: string, job: string): string => join(resolve(stagingLocation), job);

/**
 * seed.json's own checksum: SHA-256 of the canonical JSON of everything else in the file (see shared/staging.ts),
 * hashed in pieces: a seed of a 100 TB job lists ~1.5 million files, and its canonical text need not exist at once.
 */
export function seedSum(raw: object): string {
  const { sum: _sum, ...rest } = raw as Record<string, unknown>;
  const h = createHash('sha256');
  let buf = '';
  canonicalJsonTo(rest, (piece) => {
    buf += piece;
    if (buf.length >= 1 << 16) {
      h.update(buf);
      buf = '';
    }
  });
  return h.update(buf).digest('hex');
}

export type SeedCheck = { ok: true; seed: SeedDescriptor } | { ok: false; reason: string };

/**
 * The one way a seed.json text is read (staging folder, a disk's copy, the data dir's copy): JSON, then the file's
 * own checksum when it has one, then the schema (which holds the key parameters to their caps). `reason` completes
 * "<file> …".
 */
export function checkSeedText(text: string): SeedCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `is not valid JSON (${(err as Error).message})` };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, reason: 'is not a JSON object' };
  // A newer build's seed is refused by its version first: its checksum or fields may follow rules this build lacks.
  const version = (raw as { formatVersion?: unknown }).formatVersion;
  if (typeof version === 'number' && version > SEED_FORMAT_VERSION)
    return { ok: false, reason: `cannot be read here: ${seedVersionProblem(version)}` };
  const sum = (raw as { sum?: unknown }).sum;
  if (typeof sum === 'string') {
    const want = seedSum(raw);
    if (sum !== want)
      return {
        ok: false,
        reason: `fails its own checksum (recorded ${sum.slice(0, 12)}…, content gives ${want.slice(0, 12)}…): it was altered or damaged after it was written`,
      };
  }
  const r = seedSchema.safeParse(raw);
  if (!r.success)
    return {
      ok: false,
      reason: `is damaged: ${r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    };
  return { ok: true, seed: r.data };
}

export function parseSeedText(text: string, where: string): SeedDescriptor {
  const c = checkSeedText(text);
  if (!c.ok) throw new AppError('CORRUPT_DATA', `${where} ${c.reason}`, { path: where });
  return c.seed;
}

export async function readSeed(jobDir: string): Promise<SeedDescriptor | null> {
  const path = join(jobDir, SEED_FILE);
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) =>
    e.code === 'ENOENT' ? null : Promise.reject(e),
  );
  return text === null ? null : parseSeedText(text, path);
}

/** The key parameters a run takes over from seed.json: an unfinished run's (it resumes); else none (a fresh salt). */
export const cryptoToResume = (seed: SeedDescriptor | null): SeedCrypto | null =>
  seed?.state === 'inProgress' ? seed.crypto : null;

/**
 * Starts deriving the keys a backup run of `job` will need (crypto.ts startDerivation), before the passphrase check
 * and the engine need them: both take it when it derives their keys. Null when nothing is started: a bad job name, a
 * passphrase or parameters that would be refused (whoever needs the keys reports that with its own message), or a
 * completed backup to replace: the passphrase check first unlocks its seed.json with a scrypt of its own, and a fresh
 * derivation beside it would hold a second 128 MiB at the same time.
 */
export async function startJobKeys(
  stagingLocation: string,
  job: string,
  passphrase: string,
  params?: KdfParams,
): Promise<StartedDerivation | null> {
  if (checkJobName(job)) return null;
  const seed = await readSeed(jobDirOf(stagingLocation, job)).catch(() => null);
  if (seed?.state === 'complete') return null;
  return startDerivation(passphrase, cryptoToResume(seed), params);
}

/** seed.json of a job folder that must have one: NOT_FOUND naming `what` when it has none, CORRUPT_DATA when damaged. */
export async function requireSeed(jobDir: string, what: string): Promise<SeedDescriptor> {
  const seed = await readSeed(jobDir);
  if (seed) return seed;
  const path = join(jobDir, SEED_FILE);
  throw new AppError('NOT_FOUND', `${what} not found: ${path}`, { path });
}

/** Written with its own checksum (over what the schema keeps). */
export function sealSeed(seed: SeedDescriptor): SeedDescriptor {
  const { sum: _sum, ...rest } = seedSchema.parse(seed);
  return { ...rest, sum: seedSum(rest) };
}

/**
 * seed.json's text in pieces: indented JSON with one line per file entry (a 100 TB job lists ~1.5 million files: the
 * text is written piece by piece and never held as one string; indenting each entry's members would add ~30 %).
 */
export function* seedJsonPieces(seed: SeedDescriptor): Generator<string> {
  const { files, ...head } = seed;
  const [before, after] = JSON.stringify({ ...head, files: [] }, null, 2).split('"files": []');
  yield `${before}"files": [`;
  for (let i = 0; i < files.length; i++) yield `${i ? ',' : ''}\n    ${JSON.stringify(files[i])}`;
  yield `${files.length ? '\n  ' : ''}]${after}\n`;
}

/** Written atomically with its own checksum (over what the schema keeps), in 1 MiB writes. */
export const writeSeed = (jobDir: string, seed: SeedDescriptor): Promise<void> =>
  writeFileAtomicWith(join(jobDir, SEED_FILE), async (fh) => {
    let buf = '';
    for (const piece of seedJsonPieces(sealSeed(seed))) {
      buf += piece;
      if (buf.length >= 1 << 20) {
        await fh.writeFile(buf);
        buf = '';
      }
    }
    await fh.writeFile(buf);
  });

export interface StagingJobInfo {
  jobName: string;
  dir: string;
  state: 'inProgress' | 'complete' | 'damaged';
  seed?: SeedDescriptor;
  problem?: string;
}

/** Jobs found in a staging location (one folder per job, each with a seed.json). */
export async function listStagingJobs(stagingLocation: string): Promise<StagingJobInfo[]> {
  let names: string[];
  try {
    names = (await readdir(resolve(stagingLocation), { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new AppError('NOT_FOUND', `Staging location not found: ${stagingLocation}`, { path: stagingLocation });
    throw err;
  }
  const out: StagingJobInfo[] = [];
  for (const name of names) {
    const dir = join(resolve(stagingLocation), name);
    const text = await readFile(join(dir, SEED_FILE), 'utf8').catch(() => null);
    if (text === null) continue;
    const c = checkSeedText(text);
    if (c.ok) out.push({ jobName: c.seed.jobName, dir, state: c.seed.state, seed: c.seed });
    else out.push({ jobName: name, dir, state: 'damaged', problem: `seed.json ${c.reason}` });
  }
  return out;
}
