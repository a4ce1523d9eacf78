/**
 * policies.json in the data dir: the backup policy, Change Properties values and the protected secrets
 * (passphrase, proxy password). One file, versioned, written atomically, validated on load. A damaged file is renamed
 * aside and reported through `loadProblem`; nothing is written until the user saves again.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import {
  DEFAULT_THROTTLING,
  POLICY_STATES,
  policySchema,
  runRecordSchema,
  throttlingSchema,
  type Policy,
  type PolicyInput,
  type PolicyState,
  type ProxyInput,
  type ProxyView,
  type RunRecord,
  type Throttling,
  RUN_HISTORY_MAX,
  upgradePolicyV1,
} from '../../../shared/policy-schema.ts';
import { POLICY_FILE_VERSION } from '../../../shared/policy.ts';
import { readJsonValidated, writeJsonAtomic } from '../store/atomic.ts';
import type { Protector } from '../azure/protector.ts';

export const POLICY_FILE = 'policies.json';
const FORMAT = 'obc-policies';

const sealed = z.string().max(8192);
const storedProxySchema = z
  .object({
    mode: z.enum(['none', 'manual']),
    host: z.string().max(253).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    username: z.string().max(256).optional(),
    bypassLocal: z.boolean().optional(),
  })
  .strict();

const containerSasInfoSchema = z
  .object({
    account: z.string().max(64),
    container: z.string().max(63),
    expiresOn: z.string().max(40).optional(),
    storedPolicy: z.string().max(64).optional(),
    permissions: z.string().max(32).optional(),
  })
  .strict();
export type ContainerSasInfoView = z.infer<typeof containerSasInfoSchema> & { setAt: string };

const policyFileShape = z
  .object({
    format: z.literal(FORMAT),
    formatVersion: z.literal(POLICY_FILE_VERSION),
    policy: policySchema.nullable(),
    properties: z.object({ proxy: storedProxySchema, throttling: throttlingSchema }).strict(),
    secrets: z
      .object({
        passphrase: z.object({ sealed, setAt: z.string() }).strict().optional(),
        /** Passphrases replaced by a change, kept (protected) because staging data written with them still needs them. */
        retired: z
          .array(z.object({ sealed, retiredAt: z.string(), jobs: z.array(z.string().max(64)) }).strict())
          .max(50),
        proxyPassword: sealed.optional(),
        /** The container SAS URL scheduled runs use instead of the Entra application (sealed); `info` is what the console shows. */
        containerSas: z.object({ sealed, setAt: z.string(), info: containerSasInfoSchema }).strict().optional(),
      })
      .strict(),
  })
  .strict();

/** Format 1 (before MARS's retention choices) is read as format 2; the next write stores format 2. */
function upgradeFile(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || (raw as { formatVersion?: unknown }).formatVersion !== 1) return raw;
  const f = raw as { policy?: unknown };
  return { ...f, formatVersion: POLICY_FILE_VERSION, policy: upgradePolicyV1(f.policy ?? null) };
}
export const policyFileSchema = z.preprocess(upgradeFile, policyFileShape);
export type PolicyFile = z.output<typeof policyFileShape>;

const emptyFile = (): PolicyFile => ({
  format: FORMAT,
  formatVersion: POLICY_FILE_VERSION,
  policy: null,
  properties: { proxy: { mode: 'none' }, throttling: { ...DEFAULT_THROTTLING } },
  secrets: { retired: [] },
});

export interface PolicyStoreOptions {
  dataDir: string;
  protector: Protector;
  now?: () => Date;
  newId?: () => string;
}

export class PolicyStore extends EventEmitter<{ changed: [Policy | null] }> {
  readonly file: string;
  loadProblem: string | null = null;
  private data: PolicyFile = emptyFile();
  private queue: Promise<unknown> = Promise.resolve();
  /** inode/mtime/size of policies.json as this store last read or wrote it: another console's write changes it. */
  private known = '';
  private readonly protector: Protector;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(opts: PolicyStoreOptions) {
    super();
    this.file = join(opts.dataDir, POLICY_FILE);
    this.protector = opts.protector;
    this.now = opts.now ?? (() => new Date());
    this.newId = opts.newId ?? (() => `policy-${Date.now().toString(36)}`);
  }

  get protection(): string {
    return this.protector.description;
  }

  private async signature(): Promise<string> {
    const st = await stat(this.file).catch(() => null);
    return st ? `${st.ino}:${st.mtimeMs}:${st.size}` : 'missing';
  }

  async load(): Promise<void> {
    const before = await this.signature();
    const r = await readJsonValidated(this.file, policyFileSchema);
    // A damaged file was renamed aside: remember "missing" so that is not taken for another console's write.
    this.known = r.status === 'corrupt' ? await this.signature() : before;
    if (r.status === 'ok') this.data = r.value;
    else this.data = emptyFile();
    this.loadProblem =
      r.status === 'corrupt'
        ? `The backup policy file ${this.file} was damaged (${r.reason}). It was kept as ${r.keptAs}; no policy is active until you schedule a backup again or restore that file.`
        : null;
  }

  get policy(): Policy | null {
    return this.data.policy ? structuredClone(this.data.policy) : null;
  }
  get throttling(): Throttling {
    return { ...this.data.properties.throttling };
  }
  get proxy(): ProxyView {
    return { ...this.data.properties.proxy, hasPassword: Boolean(this.data.secrets.proxyPassword) };
  }
  /** What the console may show of the stored container SAS (no signature), or null when runs use the Entra application. */
  get containerSasInfo(): ContainerSasInfoView | null {
    const c = this.data.secrets.containerSas;
    return c ? { ...c.info, setAt: c.setAt } : null;
  }
  get passphraseSetAt(): string | undefined {
    return this.data.secrets.passphrase?.setAt;
  }

  /**
   * Another console on the same data dir (desktop app and browser mode) may have written policies.json: reload it
   * when its inode, mtime or size differ from what this store last read or wrote. Resolves whether it reloaded
   * (and then emits `changed`).
   */
  syncFromDisk(): Promise<boolean> {
    const run = this.queue.then(() => this.reloadIfChanged());
    this.queue = run.catch(() => undefined);
    return run.then((changed) => {
      if (changed) this.emit('changed', this.policy);
      return changed;
    });
  }

  private async reloadIfChanged(): Promise<boolean> {
    if ((await this.signature()) === this.known) return false;
    await this.load();
    return true;
  }

  /** Serialises every change: read-modify-write under one queue, written atomically before memory is updated. */
  private mutate<T>(fn: (draft: PolicyFile) => Promise<T> | T): Promise<T> {
    const run = this.queue.then(async () => {
      await this.reloadIfChanged();
      const draft = structuredClone(this.data);
      const result = await fn(draft);
      const checked = policyFileSchema.parse(draft);
      await writeJsonAtomic(this.file, checked, 0o600);
      this.known = await this.signature();
      this.data = checked;
      this.loadProblem = null;
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run.then((r) => {
      this.emit('changed', this.policy);
      return r;
    });
  }

  async savePolicy(input: PolicyInput, passphrase?: string): Promise<Policy> {
    return this.mutate(async (d) => {
      if (!d.secrets.passphrase && !passphrase)
        throw new AppError(
          'VALIDATION',
          'An encryption passphrase is required for the first backup policy of this machine.',
          { field: 'passphrase' },
        );
      if (d.secrets.passphrase && passphrase)
        throw new AppError(
          'CONFLICT',
          'A passphrase is already set for this machine; change it under Change Properties → Encryption.',
          { field: 'passphrase' },
        );
      if (passphrase) d.secrets.passphrase = { sealed: await this.seal(passphrase), setAt: this.now().toISOString() };
      const nowIso = this.now().toISOString();
      const prev = d.policy;
      const sameSeed =
        prev?.initialBackup.ownDisk?.importJobName === input.initialBackup.ownDisk?.importJobName &&
        prev?.initialBackup.type === input.initialBackup.type;
      d.policy = {
        ...input,
        id: prev?.id ?? this.newId(),
        createdAt: prev?.createdAt ?? nowIso,
        updatedAt: nowIso,
        state: prev?.state ?? 'active',
        ...(prev?.seed && sameSeed ? { seed: prev.seed } : {}),
        lastRuns: prev?.lastRuns ?? [],
      };
      return structuredClone(d.policy);
    });
  }

  async setState(state: PolicyState): Promise<Policy> {
    if (!POLICY_STATES.includes(state)) throw new AppError('VALIDATION', `Unknown policy state "${state}".`);
    return this.mutate((d) => {
      if (!d.policy)
        throw new AppError('NOT_FOUND', 'No backup is scheduled yet; run the Schedule Backup wizard first.');
      d.policy.state = state;
      d.policy.updatedAt = this.now().toISOString();
      return structuredClone(d.policy);
    });
  }

  async deletePolicy(): Promise<Policy> {
    return this.mutate((d) => {
      if (!d.policy) throw new AppError('NOT_FOUND', 'No backup is scheduled, so there is nothing to delete.');
      const old = d.policy;
      d.policy = null;
      // The container SAS was for this policy's container: it goes with it.
      delete d.secrets.containerSas;
      return old;
    });
  }

  /** Adds a run record, or replaces the one with the same id (a run records itself when it starts and when it ends). */
  async recordRun(run: RunRecord, seed?: Policy['seed']): Promise<void> {
    runRecordSchema.parse(run);
    await this.mutate((d) => {
      if (!d.policy) return;
      const i = run.id ? d.policy.lastRuns.findIndex((r) => r.id === run.id) : -1;
      if (i >= 0) d.policy.lastRuns[i] = run;
      else d.policy.lastRuns = [run, ...d.policy.lastRuns].slice(0, RUN_HISTORY_MAX);
      if (seed) d.policy.seed = seed;
    });
  }

  /** The seed's import job as just checked (Back Up Now's "Check the import job now"), without a run record. */
  async recordSeed(seed: NonNullable<Policy['seed']>): Promise<void> {
    await this.mutate((d) => {
      if (d.policy) d.policy.seed = seed;
    });
  }

  /** Runs still "running" when a scheduler starts were cut short (the program running them stopped): close them. */
  async closeInterruptedRuns(at: string): Promise<number> {
    if (!this.data.policy?.lastRuns.some((r) => r.outcome === 'running')) return 0;
    return this.mutate((d) => {
      let n = 0;
      for (const r of d.policy?.lastRuns ?? []) {
        if (r.outcome !== 'running') continue;
        r.outcome = 'failed';
        r.message = `The run did not finish: ${r.ranBy ?? 'the program running it'} stopped before it ended. The next scheduled run starts afresh.`;
        r.endedAt = at;
        n++;
      }
      return n;
    });
  }

  /** Removes a run from the Jobs view (it stays in the history). */
  async hideRun(id: string): Promise<void> {
    await this.mutate((d) => {
      const r = d.policy?.lastRuns.find((x) => x.id === id);
      if (!r) throw new AppError('NOT_FOUND', 'That scheduled run is no longer in the history.', { id });
      if (r.outcome === 'running')
        throw new AppError('CONFLICT', 'A run that is still running cannot be removed from the list.', { id });
      r.hidden = true;
    });
  }

  async setProperties(p: { proxy?: ProxyInput | undefined; throttling?: Throttling | undefined }): Promise<void> {
    await this.mutate(async (d) => {
      if (p.throttling) d.properties.throttling = { ...p.throttling };
      if (p.proxy) {
        const { password, ...rest } = p.proxy;
        d.properties.proxy = rest.mode === 'none' ? { mode: 'none' } : rest;
        if (rest.mode === 'none') delete d.secrets.proxyPassword;
        else if (password !== undefined) {
          if (password) d.secrets.proxyPassword = await this.seal(password);
          else delete d.secrets.proxyPassword;
        }
      }
    });
  }

  async passphrase(): Promise<string | null> {
    const s = this.data.secrets.passphrase;
    return s ? this.unseal(s.sealed) : null;
  }

  /** Passphrases in force before changes, newest first, with the staging jobs written under them. */
  async retiredPassphrases(): Promise<{ passphrase: string; jobs: string[] }[]> {
    return Promise.all(
      this.data.secrets.retired.map(async (r) => ({ passphrase: await this.unseal(r.sealed), jobs: r.jobs })),
    );
  }

  async replacePassphrase(next: string, jobsUsingOld: string[]): Promise<void> {
    await this.mutate(async (d) => {
      const old = d.secrets.passphrase;
      if (old)
        d.secrets.retired = [
          { sealed: old.sealed, retiredAt: this.now().toISOString(), jobs: jobsUsingOld },
          ...d.secrets.retired,
        ].slice(0, 50);
      d.secrets.passphrase = { sealed: await this.seal(next), setAt: this.now().toISOString() };
    });
  }

  /** Stores (sealed) the container SAS URL scheduled runs use, with what may be shown of it; null goes back to the Entra application. */
  async setContainerSas(v: { url: string; info: z.infer<typeof containerSasInfoSchema> } | null): Promise<void> {
    await this.mutate(async (d) => {
      if (!v) delete d.secrets.containerSas;
      else
        d.secrets.containerSas = {
          sealed: await this.seal(v.url),
          setAt: this.now().toISOString(),
          info: { ...v.info },
        };
    });
  }

  async containerSas(): Promise<string | null> {
    const s = this.data.secrets.containerSas;
    return s ? this.unseal(s.sealed) : null;
  }

  async proxyPassword(): Promise<string | null> {
    const s = this.data.secrets.proxyPassword;
    return s ? this.unseal(s) : null;
  }

  private async seal(text: string): Promise<string> {
    return (await this.protector.protect(Buffer.from(text, 'utf8'))).toString('base64');
  }
  private async unseal(b64: string): Promise<string> {
    return (await this.protector.unprotect(Buffer.from(b64, 'base64'))).toString('utf8');
  }
}
