/**
 * One writer per job in the container: the run that uploads or prunes holds a lease on `<job>/online/lock` (60 s,
 * renewed every 20 s) and writes into it who it is. Two servers backing up into one container, or a console and
 * `obc agent` on different data dirs, never write at once. A holder that was killed loses the lease within a minute;
 * on its own machine a dead holder's lease is broken at once (same pid and start-time rules as the job folder's lock).
 * A run whose lease cannot be renewed (the credential expired) stops before it deletes anything.
 */
import { hostname } from 'node:os';
import type { BlobLeaseClient, ContainerClient } from '@azure/storage-blob';
import { AppError } from '../../../shared/errors.ts';
import { processAlive, processStartTime } from '../backup/job-lock.ts';
import { blobError, statusOf, storageCode } from './blob-errors.ts';
import { LOCK_PATH } from './layout.ts';

const LEASE_SECONDS = 60;
const RENEW_MS = 20_000;

/** Jobs (`account/container/job/`) whose lock a run in this process holds now. */
const held = new Set<string>();

export interface ContainerLock {
  /** Renews the lease now; throws when it is no longer ours (then nothing may be deleted). */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

interface Holder {
  host: string;
  pid: number;
  start?: string;
  label: string;
  since: string;
}

export async function acquireContainerLock(
  cc: ContainerClient,
  job: string,
  where: string,
  label: string,
  signal?: AbortSignal,
): Promise<ContainerLock> {
  const blob = cc.getBlockBlobClient(`${job}/${LOCK_PATH}`);
  const me: Holder = {
    host: hostname(),
    pid: process.pid,
    ...(processStartTime(process.pid) ? { start: processStartTime(process.pid)! } : {}),
    label,
    since: new Date().toISOString(),
  };
  // A new object per call: the SDK adds `conditions: {}` to the options object it is given.
  const opts = () => (signal ? { abortSignal: signal } : {});
  let lease: BlobLeaseClient | null = null;
  for (let attempt = 0; attempt < 3 && !lease; attempt++) {
    try {
      if (!(await blob.exists(opts())))
        await blob
          .upload('{}', 2, { ...opts(), conditions: { ifNoneMatch: '*' } })
          .catch((err: unknown) => (statusOf(err) === 409 || statusOf(err) === 412 ? undefined : Promise.reject(err)));
      const lc = blob.getBlobLeaseClient();
      await lc.acquireLease(LEASE_SECONDS, opts());
      lease = lc;
    } catch (err) {
      if (statusOf(err) !== 409 || storageCode(err) !== 'LeaseAlreadyPresent')
        throw blobError(err, 'taking the lock of the job', where);
      const holder = await blob.downloadToBuffer(0, undefined, opts()).then(
        (b) => JSON.parse(b.toString('utf8')) as Partial<Holder>,
        () => ({}) as Partial<Holder>,
      );
      // A holder on this machine that is gone: a dead process, or this process with no run holding it any more (a
      // run whose credential expired could not release its lease).
      const gone =
        holder.pid === process.pid ? !held.has(where) : !!holder.pid && !processAlive(holder.pid, holder.start);
      if (holder.host === me.host && gone) {
        await blob
          .getBlobLeaseClient()
          .breakLease(0, opts())
          .catch((e: unknown) => Promise.reject(blobError(e, 'breaking the lock of a stopped run', where)));
        continue;
      }
      const who = holder.host
        ? `${holder.label ?? 'a backup'} on ${holder.host} (pid ${holder.pid}) since ${holder.since}`
        : 'another program';
      throw new AppError(
        'CONFLICT',
        `Another backup is writing to ${where}: ${who}. Only one writes at a time; this run sent nothing. If that program is gone, its lock lapses within a minute.`,
        { container: where },
      );
    }
  }
  if (!lease) throw new AppError('CONFLICT', `Could not take the lock of ${where}.`, { container: where });
  const lc = lease;
  const text = JSON.stringify(me);
  await blob
    .upload(text, Buffer.byteLength(text), { ...opts(), conditions: { leaseId: lc.leaseId } })
    .catch((err: unknown) => Promise.reject(blobError(err, 'writing the lock of the job', where)));
  held.add(where);
  let lost: AppError | null = null;
  let renewing: Promise<void> = Promise.resolve();
  const renew = () => {
    renewing = lc.renewLease().then(
      () => {
        lost = null;
      },
      (err: unknown) => {
        lost = blobError(err, 'renewing the lock of the job', where);
      },
    );
    return renewing;
  };
  const timer = setInterval(() => void renew(), RENEW_MS);
  timer.unref?.();
  return {
    async assertHeld() {
      await renewing;
      await renew();
      if (lost)
        throw new AppError(
          lost.code,
          `The run lost its lock on ${where} and stops before deleting anything: ${lost.message}`,
          lost.details,
        );
    },
    async release() {
      clearInterval(timer);
      held.delete(where);
      await renewing;
      await lc.releaseLease().catch(() => undefined);
    },
  };
}
