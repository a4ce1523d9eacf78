/**
 * A backup has exactly one passphrase (issue 13 §8). A passphrase typed for Back Up Now (console or CLI) is checked
 * before anything is written: against the passphrase the backup policy keeps for the job when the policy governs it,
 * else against the key check of the job's existing seed.json when the run resumes or replaces it. Otherwise Disk Prep
 * and Recover Data would later refuse the policy's passphrase for a backup written with another.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { Policy } from '../../../shared/policy-schema.ts';
import { unlockJob, type StartedDerivation } from './crypto.ts';
import { SEED_FILE, jobDirOf, readSeed } from './job-files.ts';

/** What this needs from the policy store (services/policies/policy-store.ts). */
export interface PolicySecrets {
  readonly policy: Policy | null;
  passphrase(): Promise<string | null>;
  retiredPassphrases(): Promise<Array<{ passphrase: string; jobs: string[] }>>;
}

/** The policy's passphrase for a job it governs (its own-disk job, or a job a replaced passphrase was kept for), else null. */
export async function policyBoundPassphrase(store: PolicySecrets, job: string): Promise<string | null> {
  for (const r of await store.retiredPassphrases()) if (r.jobs.includes(job)) return r.passphrase;
  return store.policy?.initialBackup.ownDisk?.importJobName === job ? store.passphrase() : null;
}

const same = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

export async function assertOnePassphrase(o: {
  stagingLocation: string;
  job: string;
  typed: string;
  overwrite?: boolean;
  bound: string | null;
  /** A derivation of the keys started before (crypto.ts startDerivation), used when it is for this seed. */
  started?: StartedDerivation;
}): Promise<void> {
  if (o.bound !== null) {
    if (!same(o.bound, o.typed))
      throw new AppError(
        'WRONG_PASSPHRASE',
        `The passphrase typed is not the one saved with the backup policy for job "${o.job}". A backup has exactly one passphrase: use the saved passphrase (tick "Use the passphrase saved with the backup policy"), or type that one. To change it, use Change Properties → Encryption.`,
        { field: 'passphrase', job: o.job },
      );
    return;
  }
  const jobDir = jobDirOf(o.stagingLocation, o.job);
  // A damaged seed.json is the engine's to report; here only a readable one is checked.
  const seed = await readSeed(jobDir).catch(() => null);
  if (!seed || (seed.state === 'complete' && !o.overwrite)) return;
  try {
    await unlockJob(o.typed, seed.crypto, o.job, join(jobDir, SEED_FILE), o.started);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'WRONG_PASSPHRASE') throw err;
    const what =
      seed.state === 'inProgress'
        ? 'the unfinished backup this run resumes'
        : 'the completed backup this run would replace';
    throw new AppError(
      'WRONG_PASSPHRASE',
      `The passphrase does not match the one used for backup job "${o.job}" (${what}). A backup has exactly one passphrase: type that one, or choose another job name.`,
      { field: 'passphrase', job: o.job },
    );
  }
}
