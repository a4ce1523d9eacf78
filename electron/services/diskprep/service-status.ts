/** `diskprep:status`: the job's disks as their journal mirrors record them, and the job's task (service.ts). */
import { readFile } from 'node:fs/promises';
import { diskPrepWaitReason, type DiskPrepProgress, type DiskPrepStatus } from '../../../shared/contract/diskprep.ts';
import type { TaskSnapshot } from '../../../shared/task.ts';
import { identityOf } from '../backup/identity.ts';
import { findJob } from './jobs.ts';
import { parseJournal, replay } from './journal.ts';
import { needsDiskFromSession, type NeedsDisk } from './needs-disk.ts';
import { loadSession, mirrorJournalPath, stateDirFor } from './session.ts';

/** What the service remembers of a job's run in this process (its task, last progress, a capacity pause). */
export interface RememberedRun {
  lastProgress?: DiskPrepProgress;
  needsDisk?: NeedsDisk;
}

export async function statusOf(
  req: { stagingLocation: string; job: string },
  mem: RememberedRun | undefined,
  active: TaskSnapshot | undefined,
): Promise<DiskPrepStatus> {
  const job = await findJob(req.stagingLocation, req.job);
  const stateDir = stateDirFor(req.stagingLocation, req.job);
  // State made for another backup of the job (replaced since) says nothing about this one: not started.
  const loaded = await loadSession(stateDir);
  const session = loaded && loaded.backup && loaded.backup.id === identityOf(job.seed)?.id ? loaded : null;
  const lengths = new Map(job.seed.files.map((f) => [f.path, f.length]));
  const disks = [];
  for (const d of session?.disks ?? []) {
    const st = replay(
      parseJournal(await readFile(mirrorJournalPath(stateDir, d.serial), 'utf8').catch(() => '')).records,
    );
    disks.push({
      serial: d.serial,
      id: d.id,
      kind: d.kind,
      files: d.files.length,
      bytes: d.files.reduce((s, p) => s + (lengths.get(p) ?? 0), 0),
      committedFiles: st.committed.size,
      committedBytes: [...st.committed.values()].reduce((s, c) => s + c.length, 0),
      ...(st.manifestMd5 ? { manifestHash: st.manifestMd5 } : {}),
      verified: st.verified,
    });
  }
  const placed = new Set((session?.disks ?? []).flatMap((d) => d.files));
  const complete =
    job.seed.files.every((f) => placed.has(f.path)) && disks.every((d) => d.verified) && disks.length > 0;
  const needsDisk = complete ? null : (mem?.needsDisk ?? needsDiskFromSession(job.seed.files, session));
  return {
    jobName: req.job,
    stateDir,
    started: session !== null,
    disks,
    complete,
    ...(needsDisk ? { needsDisk } : {}),
    ...(active && active.status !== 'waiting' ? { runningTaskId: active.id } : {}),
    ...(active?.status === 'waiting' ? { waitingTaskId: active.id } : {}),
    ...(active?.status === 'waiting' && diskPrepWaitReason(active.waiting)
      ? { waitingFor: diskPrepWaitReason(active.waiting)! }
      : {}),
    ...(mem?.lastProgress ? { lastProgress: mem.lastProgress } : {}),
  };
}
