/**
 * Policies service: the policy store, the scheduler, the staging check and Change Properties, composed for the
 * handlers and the CLI. Seams to other domains (backup engine runner, import job probe) are set by the composition
 * root once those services exist.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { AppError } from '../../../shared/errors.ts';
import type { PassphraseChangeResult, PolicyView } from '../../../shared/contract/policies.ts';
import type {
  ContainerAccessInput,
  PolicyInput,
  PolicyState,
  PropertiesView,
  ProxyInput,
  Throttling,
} from '../../../shared/policy-schema.ts';
import { parseContainerSasUrl } from '../../../shared/validators/container-sas.ts';
import type { Schedule } from '../../../shared/policy.ts';
import { nextRuns } from '../../../shared/schedule.ts';
import { checkPassphrase } from '../../../shared/validators/passphrase.ts';
import type { Protector } from '../azure/protector.ts';
import { PolicyStore } from './policy-store.ts';
import { hostname } from 'node:os';
import type { OnlineRun } from './online-run.ts';
import {
  PolicyScheduler,
  systemClock,
  type Clock,
  type ImportJobProbe,
  type SchedulerLog,
  type TaskStarter,
} from './scheduler.ts';
import { SchedulerLease, type LeaseOptions } from './scheduler-lease.ts';
import { checkStaging, type StagingCheckOptions } from './staging-check.ts';
import { jobDirOf } from '../backup/job-files.ts';

export { WAITING_FOR_DATA_BOX, WAITING_FOR_IMPORT, waitingMessage } from './scheduler.ts';
export type { ImportJobProbe, Clock } from './scheduler.ts';
export { NO_ONLINE_ENGINE, noOnlineEngine } from './online-run.ts';
export type { OnlineRun, OnlineRunRequest, OnlineRunResult, SeedRef } from './online-run.ts';
export type { LeaseOptions } from './scheduler-lease.ts';

export interface PolicyServiceOptions {
  dataDir: string;
  protector: Protector;
  tasks: TaskStarter;
  clock?: Clock;
  /** What a due run does after the seed (online-run.ts); this build's records that it has none. */
  online?: OnlineRun;
  probe?: ImportJobProbe;
  /** What the UI and the run records call this host ("obc agent"); default: desktop app or browser mode. */
  hostLabel?: string;
  freeSpace?: StagingCheckOptions['freeSpace'];
  /**
   * The data dir's scheduler lease (scheduler-lease.ts): only its holder runs due backups. On by default; false runs
   * the scheduler unconditionally (a caller that knows it is alone).
   */
  lease?: LeaseOptions | false;
  /** Where the scheduler's failures nobody waits for go (the activity log). */
  log?: SchedulerLog;
}

/** What the UI calls the host this service runs in. */
const hostLabel = () => (process.versions.electron ? 'desktop app' : 'browser mode');

const sameSecret = (a: string, b: string) => {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
};

export class PolicyService extends EventEmitter<{ changed: [PolicyView] }> {
  readonly store: PolicyStore;
  readonly scheduler: PolicyScheduler;
  private readonly clock: Clock | undefined;
  private readonly freeSpace: StagingCheckOptions['freeSpace'];
  /** Null when the lease is off (the scheduler then always runs). */
  readonly lease: SchedulerLease | null;
  private leaseTimer: unknown = null;
  private leaseTicking: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(o: PolicyServiceOptions) {
    super();
    this.store = new PolicyStore({
      dataDir: o.dataDir,
      protector: o.protector,
      ...(o.clock ? { now: () => new Date(o.clock!.now()) } : {}),
    });
    const clock = o.clock ?? systemClock;
    const label = o.hostLabel ?? hostLabel();
    this.lease = o.lease === false ? null : new SchedulerLease(o.dataDir, () => clock.now(), { label, ...o.lease });
    const lease = this.lease;
    this.scheduler = new PolicyScheduler({
      store: this.store,
      tasks: o.tasks,
      ...(o.clock ? { clock: o.clock } : {}),
      ...(o.online ? { online: o.online } : {}),
      ...(o.probe ? { probe: o.probe } : {}),
      ranBy: () => lease?.self ?? `${label} on ${hostname()} (pid ${process.pid})`,
      ...(lease ? { mayRun: () => lease.confirm() } : {}),
      ...(o.log ? { log: o.log } : {}),
    });
    this.clock = o.clock;
    this.freeSpace = o.freeSpace;
    this.store.on('changed', () => {
      this.scheduler.reschedule();
      this.emit('changed', this.view());
    });
  }

  async load(): Promise<void> {
    await this.store.load();
    if (this.lease) await (this.leaseTicking = this.leaseTick());
    else this.scheduler.start();
  }

  /** Resolves when the lease check in progress (if any) is done; for tests driving a fake clock. */
  async leaseSettled(): Promise<void> {
    await this.leaseTicking;
  }

  /**
   * Every lease refresh: hold (or wait for) the data dir's scheduler lease, start or stop this host's scheduler to
   * match, and pick up policies.json changes written by the other console.
   */
  private async leaseTick(): Promise<void> {
    const lease = this.lease!;
    if (this.closed) return;
    const was = this.scheduler.active;
    // A read or write that failed for a moment (a file briefly locked by the other console) changes nothing; the
    // check before each due run still decides.
    const owned = await lease.hold().catch(() => lease.owned);
    if (this.closed) return lease.release();
    await this.store.syncFromDisk().catch(() => false);
    if (owned && !this.scheduler.active) this.scheduler.start();
    else if (!owned && this.scheduler.active) this.scheduler.stop();
    if (owned !== was) this.emit('changed', this.view());
    const clock = this.clock ?? systemClock;
    this.leaseTimer = clock.setTimeout(() => {
      this.leaseTimer = null;
      this.leaseTicking = this.leaseTick();
    }, lease.refreshMs);
  }

  close(): void {
    this.closed = true;
    this.scheduler.stop();
    if (this.leaseTimer !== null) (this.clock ?? systemClock).clearTimeout(this.leaseTimer);
    this.leaseTimer = null;
    this.lease?.release();
  }

  /** Seams set by the composition root: the online backup (online-run.ts) and the Azure layer's job check. */
  connect(seams: { online?: OnlineRun; probe?: ImportJobProbe }): void {
    if (seams.online) this.scheduler.online = seams.online;
    if (seams.probe) this.scheduler.probe = seams.probe;
  }

  /**
   * Back Up Now after the seed (issue 16): one online restore point now, through the scheduler's online run (the
   * same one `obc agent` and due runs use), recorded as a Jobs row. Resolves with its task once it has started.
   */
  async backUpNow(o: { retainUntil?: string } = {}): Promise<{ taskId: string; runId: string }> {
    const { taskId, runId, finished } = await this.scheduler.startNow(o);
    // The outcome is in the task and the run record; a failure to record it is the task's to show, not a crash here.
    finished.catch(() => undefined);
    return { taskId, runId };
  }

  /** Back Up Now's "Check the import job now": the seed's import job state recorded at once (scheduler.checkSeed). */
  async checkSeed(): Promise<PolicyView> {
    await this.scheduler.checkSeed();
    return this.view();
  }

  /** Removes a scheduled run from the Jobs view (kept in the history). */
  async hideRun(id: string): Promise<PolicyView> {
    await this.store.hideRun(id);
    return this.view();
  }

  view(): PolicyView {
    return {
      policy: this.store.policy,
      loadProblem: this.store.loadProblem,
      nextRuns: this.scheduler.upcoming(3).map((t) => new Date(t).toISOString()),
      passphraseSet: Boolean(this.store.passphraseSetAt),
      scheduler: this.lease
        ? { runsHere: this.scheduler.active, owner: this.lease.holder }
        : { runsHere: this.scheduler.active, owner: null },
    };
  }

  async save(policy: PolicyInput, passphrase?: string): Promise<PolicyView> {
    if (passphrase !== undefined) {
      const c = checkPassphrase(passphrase);
      if (!c.ok) throw new AppError('VALIDATION', c.reason, { field: 'passphrase' });
    }
    await this.store.savePolicy(policy, passphrase);
    return this.view();
  }

  async setState(state: PolicyState): Promise<PolicyView> {
    await this.store.setState(state);
    return this.view();
  }

  /** Stop and delete. Staging data is removed only when asked and only the policy's own job folder (it holds seed.json). */
  async delete(deleteStagingData = false): Promise<{ deleted: boolean; stagingDeleted: boolean; notes: string[] }> {
    const old = await this.store.deletePolicy();
    const notes = ['The backup schedule was deleted; no further backups will run.'];
    let stagingDeleted = false;
    const own = old.initialBackup.ownDisk;
    if (deleteStagingData && own) {
      const jobDir = jobDirOf(own.stagingLocation, own.importJobName);
      const seed = await stat(join(jobDir, 'seed.json')).catch(() => null);
      if (seed) {
        await rm(jobDir, { recursive: true, force: true });
        stagingDeleted = true;
        notes.push(`Staging data in ${jobDir} was deleted.`);
      } else notes.push(`No staging data was found in ${jobDir}; nothing was deleted there.`);
    } else if (own) notes.push(`Staging data in ${jobDirOf(own.stagingLocation, own.importJobName)} was kept.`);
    notes.push(
      'Data already imported into Azure is not deleted by this console; remove it from the storage account or vault if needed.',
    );
    return { deleted: true, stagingDeleted, notes };
  }

  previewRuns(schedule: Schedule | undefined, count = 3): { runs: string[]; timeZone: string } {
    const now = this.clock?.now() ?? Date.now();
    if (!schedule) {
      const p = this.store.policy;
      return {
        runs: this.scheduler.upcoming(count).map((t) => new Date(t).toISOString()),
        timeZone: p?.schedule.timeZone ?? 'UTC',
      };
    }
    return { runs: nextRuns(schedule, now, count).map((t) => new Date(t).toISOString()), timeZone: schedule.timeZone };
  }

  checkStaging(path: string, requiredBytes?: number, items?: readonly string[]) {
    return checkStaging(path, {
      ...(requiredBytes !== undefined ? { requiredBytes } : {}),
      ...(items ? { items } : {}),
      ...(this.freeSpace ? { freeSpace: this.freeSpace } : {}),
    });
  }

  properties(): PropertiesView {
    return {
      proxy: this.store.proxy,
      throttling: this.store.throttling,
      passphraseSet: Boolean(this.store.passphraseSetAt),
      ...(this.store.passphraseSetAt ? { passphraseSetAt: this.store.passphraseSetAt } : {}),
      protection: this.store.protection,
      containerAccess: this.store.containerSasInfo
        ? { mode: 'sas', sas: this.store.containerSasInfo }
        : { mode: 'entraApp' },
    };
  }

  /**
   * Change Properties → Container access: a container SAS URL for scheduled runs (checked: a container SAS with rwdl,
   * not expired, for the policy's account and container), or back to the Entra application. Stored sealed; the URL
   * never comes back.
   */
  async setContainerAccess(a: ContainerAccessInput): Promise<PropertiesView> {
    if (a.mode === 'entraApp') await this.store.setContainerSas(null);
    else {
      const policy = this.store.policy;
      if (!policy)
        throw new AppError(
          'NOT_FOUND',
          'No backup is scheduled yet: run the Schedule Backup wizard first, then give the container SAS URL of its container.',
        );
      const own = policy.initialBackup.ownDisk;
      if (!own)
        throw new AppError(
          'CONFLICT',
          "This backup's first copy does not go to a storage account container through your own disks, so there is no container for a SAS URL to open.",
        );
      let info;
      try {
        info = parseContainerSasUrl(a.sasUrl, {
          purpose: 'backup',
          now: this.clock?.now() ?? Date.now(),
          expect: { account: own.storageAccount, container: own.container },
        });
      } catch (err) {
        throw new AppError('VALIDATION', (err as Error).message, { field: 'sasUrl' });
      }
      const { redacted: _r, accountUrl: _u, ...shown } = info;
      await this.store.setContainerSas({ url: a.sasUrl.trim(), info: shown });
    }
    return this.properties();
  }

  async setProperties(p: {
    proxy?: ProxyInput | undefined;
    throttling?: Throttling | undefined;
  }): Promise<PropertiesView> {
    await this.store.setProperties(p);
    return this.properties();
  }

  /**
   * Change Properties → Encryption. The backup engine derives each job's keys straight from the passphrase (scrypt,
   * salt in seed.json); there is no wrapped data key to re-wrap. So staging data written before the change stays
   * encrypted under the previous passphrase, which is kept (protected) for those jobs; `passphraseForJob` returns it.
   */
  async changePassphrase(current: string, next: string): Promise<PassphraseChangeResult> {
    const stored = await this.store.passphrase();
    if (!stored) throw new AppError('NOT_FOUND', 'No passphrase is set on this machine yet; schedule a backup first.');
    if (!sameSecret(stored, current))
      throw new AppError('WRONG_PASSPHRASE', 'The current passphrase is not the one set on this machine.', {
        field: 'current',
      });
    const c = checkPassphrase(next);
    if (!c.ok) throw new AppError('VALIDATION', c.reason, { field: 'next' });
    if (sameSecret(stored, next))
      throw new AppError('VALIDATION', 'The new passphrase is the same as the current one.', { field: 'next' });
    const jobs: string[] = [];
    const own = this.store.policy?.initialBackup.ownDisk;
    const claimed = new Set((await this.store.retiredPassphrases()).flatMap((r) => r.jobs));
    if (
      own &&
      !claimed.has(own.importJobName) &&
      (await stat(join(own.stagingLocation, own.importJobName, 'seed.json')).catch(() => null))
    )
      jobs.push(own.importJobName);
    await this.store.replacePassphrase(next, jobs);
    const notes = ['New backups use the new passphrase.'];
    if (jobs.length)
      notes.push(
        `Staging data of job "${jobs.join('", "')}" was written with the previous passphrase and stays readable with it; the previous passphrase is kept protected on this machine for that job. Keep your saved copy of it too.`,
      );
    return { changed: true, notes };
  }

  /** The passphrase a job's staging data was written with (the retired one if the job predates a change). */
  async passphraseForJob(jobName: string): Promise<string | null> {
    for (const r of await this.store.retiredPassphrases()) if (r.jobs.includes(jobName)) return r.passphrase;
    return this.store.passphrase();
  }
}
