/**
 * The Azure layer as one service: the current cloud (from settings), its sign-in, SDK clients, Graph, and the job
 * backends. Handlers and the CLI call this; nothing here imports 'electron'. The host injects `openUrl` (how the
 * sign-in page is shown) and a `protector` (how secrets are kept at rest).
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { CloudDefinition } from '../../../shared/clouds.ts';
import type {
  AuthStatus,
  CloudInfo,
  CreateJobInput,
  EntraAppResult,
  ImportJobInfo,
  JobBackendName,
} from '../../../shared/contract/azure.ts';
import type { DeliveryPackageInput } from '../../../shared/validators/shipping.ts';
import { BUILT_IN_CLOUDS, describeCloud, loadSandboxCloud, resolveCloud, type CloudChoice } from './clouds.ts';
import { AzureClients } from './clients.ts';
import { ensureEntraApp } from './entra-app.ts';
import { openWithApp, openWithSas, type ContainerTarget, type OpenedContainer } from './container-access.ts';
import { findAppRecord } from './unattended.ts';
import type { SasPurpose } from '../../../shared/validators/container-sas.ts';
import { GraphClient } from './graph.ts';
import { CloudHttp, type CloudHttpOptions } from './http.ts';
import { FileKeyProtector, type Protector } from './protector.ts';
import * as res from './resources.ts';
import { CloudAuth, toAccount, type AuthLog, type SignInOptions } from './signin.ts';
import type { ImportJobBackend, JobBackends, JobRef, ReturnUpdate } from './jobs/backend.ts';
import { ImportExportBackend } from './jobs/import-export.ts';
import { DataBoxBackend } from './jobs/data-box.ts';

export interface AzureServiceOptions {
  dataDir: string;
  /** Current cloud name and client id override (Settings). */
  settings: () => { cloud: string; clientId?: string | undefined };
  openUrl: (url: string) => Promise<void>;
  /** Default: the owner-only key file protector in `<dataDir>/azure/secrets.key`. */
  protector?: Protector;
  /** Extra clouds handed over in-process (the sandbox started by a test or the `sandbox` command). */
  extraClouds?: CloudDefinition[];
  http?: CloudHttpOptions;
  log?: AuthLog;
  onAuthChanged?: (status: AuthStatus) => void;
  /** Every sign-in page address, as it is opened (browser mode opens it from the page; desktop shows a fallback link). */
  onSignInUrl?: (url: string) => void;
  /** Name recorded on this machine's Entra credential. */
  machineName?: string;
  /** Tuning for tests (provider registration polling, new service principal back-off). */
  tuning?: { providerPollMs?: number; principalRetry?: { attempts: number; delayMs: number } };
}

interface Session {
  key: string;
  choice: CloudChoice;
  http: CloudHttp;
  auth: CloudAuth;
  clients: AzureClients;
  graph: GraphClient;
  backends: JobBackends;
}

/** The job is not in this backend (or its provider is not registered there). */
const notThere = (err: unknown) =>
  err instanceof AppError && (err.code === 'NOT_FOUND' || err.details?.azureCode === 'MissingSubscriptionRegistration');

export function defaultProtector(dataDir: string): FileKeyProtector {
  return new FileKeyProtector(join(dataDir, 'azure', 'secrets.key'));
}

export class AzureService {
  readonly protector: Protector;
  private readonly o: AzureServiceOptions;
  private session: Session | null = null;
  private extra: CloudDefinition[];
  private readonly signInWaiters = new Set<() => void>();

  constructor(o: AzureServiceOptions) {
    this.o = o;
    this.protector = o.protector ?? defaultProtector(o.dataDir);
    this.extra = o.extraClouds ?? [];
  }

  /** Adds or replaces a cloud (e.g. the sandbox after it started). */
  addCloud(c: CloudDefinition): void {
    this.extra = [...this.extra.filter((x) => x.name !== c.name), c];
    if (this.session?.choice.cloud.name === c.name) this.closeSession();
  }

  async clouds(): Promise<CloudDefinition[]> {
    const list = [...BUILT_IN_CLOUDS];
    const sandbox =
      this.extra.find((c) => c.name === 'LocalSandbox') ?? (await loadSandboxCloud(this.o.dataDir).catch(() => null));
    for (const c of [...(sandbox ? [sandbox] : []), ...this.extra])
      if (!list.some((x) => x.name === c.name)) list.push(c);
    return list;
  }

  async cloudInfos(): Promise<{ current: string; clouds: CloudInfo[] }> {
    const s = this.o.settings();
    return {
      current: s.cloud,
      clouds: (await this.clouds()).map((c) =>
        describeCloud(resolveCloud(c.name, [c], { clientId: s.clientId }).cloud),
      ),
    };
  }

  private async current(): Promise<Session> {
    const s = this.o.settings();
    const key = `${s.cloud}|${s.clientId ?? ''}`;
    if (this.session?.key === key) return this.session;
    const choice = resolveCloud(s.cloud, await this.clouds(), { clientId: s.clientId });
    if (this.session?.key === key) return this.session;
    this.closeSession();
    const http = new CloudHttp(choice.cloud, this.o.http);
    const auth = new CloudAuth({
      cloud: choice.cloud,
      http,
      dataDir: this.o.dataDir,
      protector: this.protector,
      openUrl: async (url) => {
        this.o.onSignInUrl?.(url);
        await this.o.openUrl(url);
      },
      ...(this.o.log ? { log: this.o.log } : {}),
      onChange: (reason) => {
        if (reason === 'signedIn') for (const w of [...this.signInWaiters]) w();
        void this.status().then(
          (st) => this.o.onAuthChanged?.(st),
          () => undefined,
        );
      },
    });
    const clients = new AzureClients(auth, http);
    const graph = new GraphClient(auth, http);
    const backends: JobBackends = {
      ImportExport: new ImportExportBackend(clients),
      DataBox: new DataBoxBackend(clients),
    };
    this.session = { key, choice, http, auth, clients, graph, backends };
    return this.session;
  }

  private closeSession(): void {
    this.session?.auth.cancelSignIn();
    this.session?.http.dispose();
    this.session = null;
  }

  async status(): Promise<AuthStatus> {
    const s = await this.current();
    const c = s.choice.cloud;
    const account = c.clientId ? await s.auth.currentAccount().catch(() => null) : null;
    const needs = s.auth.needsSignInReason ?? s.auth.cache.lastLoadProblem;
    return {
      cloud: c.name,
      cloudDisplayName: c.displayName,
      signedIn: Boolean(account) && !s.auth.needsSignInReason,
      ...(account ? { account: toAccount(account) } : {}),
      signInInProgress: s.auth.signInInProgress,
      ...(needs ? { needsSignIn: needs } : {}),
      clientIdConfigured: Boolean(c.clientId),
      clientIdSource: s.choice.clientIdSource,
      protection: this.protector.description,
    };
  }

  async signIn(o: SignInOptions = {}): Promise<AuthStatus> {
    const s = await this.current();
    const p = s.auth.signIn(o);
    void this.status().then(
      (st) => this.o.onAuthChanged?.(st),
      () => undefined,
    );
    await p;
    return this.status();
  }

  async cancelSignIn(): Promise<boolean> {
    return (await this.current()).auth.cancelSignIn();
  }

  async signOut(): Promise<AuthStatus> {
    await (await this.current()).auth.signOut();
    return this.status();
  }

  /** For callers that need the raw pieces (Disk Prep's blob checks, unattended status). */
  async session_(): Promise<Readonly<Session>> {
    return this.current();
  }

  async subscriptions() {
    return res.listSubscriptions((await this.current()).clients);
  }

  async storageAccounts(subscriptionId: string) {
    return res.listStorageAccounts((await this.current()).clients, subscriptionId);
  }

  async resourceGroup(subscriptionId: string, name: string) {
    return res.getResourceGroup((await this.current()).clients, subscriptionId, name);
  }

  async containers(subscriptionId: string, resourceGroup: string, accountName: string) {
    return res.listContainers((await this.current()).clients, subscriptionId, resourceGroup, accountName);
  }

  async createContainer(subscriptionId: string, resourceGroup: string, accountName: string, containerName: string) {
    const c = (await this.current()).clients;
    const acct = await res.getStorageAccount(c, subscriptionId, resourceGroup, accountName);
    if (!acct.pageBlobEligible)
      throw new AppError('VALIDATION', `Storage account ${accountName}: ${acct.ineligibleReason}`, {
        accountName,
        kind: acct.kind,
      });
    return res.ensureContainer(c, subscriptionId, resourceGroup, accountName, containerName);
  }

  async providerStatus(subscriptionId: string, namespace: string) {
    return res.providerStatus((await this.current()).clients, subscriptionId, namespace);
  }

  async registerProvider(subscriptionId: string, namespace: string, o: res.WaitOptions = {}) {
    const pollMs = o.pollMs ?? this.o.tuning?.providerPollMs;
    return res.registerProvider((await this.current()).clients, subscriptionId, namespace, {
      ...o,
      ...(pollMs !== undefined ? { pollMs } : {}),
    });
  }

  async locations() {
    return res.listLocations((await this.current()).clients);
  }

  async ensureEntraApp(input: {
    subscriptionId: string;
    resourceGroup: string;
    accountName: string;
    jobResourceGroup?: string | undefined;
  }): Promise<EntraAppResult> {
    const s = await this.current();
    return ensureEntraApp(
      {
        clients: s.clients,
        graph: s.graph,
        protector: this.protector,
        dataDir: this.o.dataDir,
        ...(this.o.tuning?.principalRetry ? { principalRetry: this.o.tuning.principalRetry } : {}),
      },
      {
        subscriptionId: input.subscriptionId,
        resourceGroup: input.resourceGroup,
        accountName: input.accountName,
        ...(input.jobResourceGroup ? { jobResourceGroup: input.jobResourceGroup } : {}),
      },
      this.o.machineName ?? hostname(),
    );
  }

  /**
   * The job's container for a run nobody watches (SPEC decisions 2 and 15): through `sasUrl` when one is given,
   * else as the Entra application with this machine's certificate (the record the Entra step saved for this
   * cloud and storage account). Never the signed-in user, never the account key.
   */
  async openContainer(
    target: ContainerTarget,
    o: { sasUrl?: string | null; purpose?: SasPurpose } = {},
  ): Promise<OpenedContainer> {
    const s = await this.current();
    if (o.sasUrl)
      return openWithSas(o.sasUrl, s.http, { ...(o.purpose ? { purpose: o.purpose } : {}), expect: target });
    const cloud = s.choice.cloud;
    const record = await findAppRecord(this.o.dataDir, cloud.name, target.subscriptionId, target.storageAccount);
    if (!record)
      throw new AppError(
        'SIGNIN_REQUIRED',
        `This machine has no Entra application certificate for ${cloud.displayName} to reach storage account ${target.storageAccount}: ` +
          "run Schedule Backup's sign-in step on this machine (it creates the application, adds this machine's certificate and grants Storage Blob Data Contributor), " +
          'or give a container SAS URL (Change Properties → Container access, or --container-url).',
        { storageAccount: target.storageAccount, cloud: cloud.name, credential: 'entraApp' },
      );
    return openWithApp({ cloud, http: s.http, protector: this.protector, record }, target);
  }

  async backend(name: JobBackendName = 'ImportExport'): Promise<ImportJobBackend> {
    const b = (await this.current()).backends[name];
    if (!b)
      throw new AppError(
        'UNSUPPORTED',
        `Job backend "${name}" is not available in this version; use Microsoft.ImportExport.`,
        { backend: name },
      );
    return b;
  }

  /**
   * One backend's jobs, or (no `backend`) every backend's, each job carrying its `backend`. A backend whose
   * provider is not registered has no jobs; when every backend fails, the first failure is thrown.
   */
  async listJobs(subscriptionId: string, resourceGroup?: string, backend?: JobBackendName): Promise<ImportJobInfo[]> {
    if (backend) return (await this.backend(backend)).list(subscriptionId, resourceGroup);
    const all = Object.values((await this.current()).backends);
    const settled = await Promise.allSettled(all.map((b) => b.list(subscriptionId, resourceGroup)));
    const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length === settled.length) throw failures[0];
    const fatal = failures.find(
      (e) => !(e instanceof AppError && e.details?.azureCode === 'MissingSubscriptionRegistration'),
    );
    if (fatal) throw fatal;
    return settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  }

  /**
   * A job by name. Without `backend` (callers that only know the name, such as the scheduler's "waiting for the
   * import job" check): Import/Export first, then Data Box when Import/Export has no such job; the Import/Export
   * answer is kept when neither has it.
   */
  async getJob(ref: JobRef & { backend?: JobBackendName | undefined }) {
    if (ref.backend) return (await this.backend(ref.backend)).get(ref);
    try {
      return await (await this.backend('ImportExport')).get(ref);
    } catch (err) {
      const other = notThere(err) ? await (await this.backend('DataBox')).get(ref).catch(() => null) : null;
      if (other) return other;
      throw err;
    }
  }

  /** The backend of a job reference; name-only references (the CLI) go to Data Box when only Data Box has the job. */
  private async backendOf(ref: JobRef & { backend?: JobBackendName | undefined }): Promise<ImportJobBackend> {
    if (ref.backend) return this.backend(ref.backend);
    const ie = await this.backend('ImportExport');
    const onlyDataBox = await ie.get(ref).then(
      () => false,
      async (err: unknown) =>
        notThere(err) &&
        (await (await this.backend('DataBox')).get(ref).then(
          () => true,
          () => false,
        )),
    );
    return onlyDataBox ? this.backend('DataBox') : ie;
  }

  async createJob(input: CreateJobInput): Promise<ImportJobInfo> {
    const s = await this.current();
    const { backend, ...rest } = input;
    const account = await s.auth.currentAccount();
    return (await this.backend(backend)).create(rest, account?.tenantId ? { clientTenantId: account.tenantId } : {});
  }

  /** Decision 11: a tracking number is used by one job only; checked across the subscription before sending. */
  async updateShipping(
    ref: JobRef & { backend?: JobBackendName | undefined },
    pkg: DeliveryPackageInput,
  ): Promise<ImportJobInfo> {
    const b = await this.backendOf(ref);
    // Across every backend: the console keeps tracking numbers unique over all the user's jobs.
    const others = (await this.listJobs(ref.subscriptionId)).filter(
      (j) =>
        j.backend !== b.name ||
        j.name !== ref.jobName ||
        j.resourceGroup.toLowerCase() !== ref.resourceGroup.toLowerCase(),
    );
    const clash = others.find(
      (j) => j.deliveryPackage?.trackingNumber?.toUpperCase() === pkg.trackingNumber.toUpperCase(),
    );
    if (clash)
      throw new AppError(
        'CONFLICT',
        `Tracking number ${pkg.trackingNumber} is already recorded for job ${clash.name} (resource group ${clash.resourceGroup}). Each job needs its own package and tracking number.`,
        {
          trackingNumber: pkg.trackingNumber,
          otherJob: clash.name,
        },
      );
    return b.updateTracking(ref, pkg);
  }

  async updateReturn(ref: JobRef & { backend?: JobBackendName | undefined }, u: ReturnUpdate) {
    return (await this.backendOf(ref)).updateReturn(ref, u);
  }

  async cancelJob(ref: JobRef & { backend?: JobBackendName | undefined }) {
    return (await this.backendOf(ref)).cancel(ref);
  }

  async deleteJob(ref: JobRef & { backend?: JobBackendName | undefined }) {
    await (await this.backendOf(ref)).delete(ref);
    return { deleted: true };
  }

  /**
   * Runs an Azure operation; when the sign-in has expired or was revoked (SIGNIN_REQUIRED) it pauses — `onPause`
   * tells the user "Sign in again" — and continues once a sign-in completes (up to `maxPauses` times). Cancelling
   * `signal` or waiting longer than `maxPauseMs` (Infinity: no limit) ends it with the original SIGNIN_REQUIRED error.
   * `wait` replaces the plain wait: it gets the reason and `signedIn` (true once a sign-in completes, false on
   * cancel or the time limit) and says whether to try again (a task puts itself in 'waiting' there, and may also be
   * continued by the user); what it throws ends the operation.
   */
  async withSignIn<T>(
    fn: () => Promise<T>,
    o: {
      signal?: AbortSignal;
      onPause?: (reason: string) => void;
      onResume?: () => void;
      wait?: (reason: string, signedIn: Promise<boolean>) => Promise<boolean>;
      maxPauseMs?: number;
      maxPauses?: number;
    } = {},
  ): Promise<T> {
    for (let pauses = 0; ; pauses++) {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'SIGNIN_REQUIRED' || pauses >= (o.maxPauses ?? 3)) throw err;
        o.onPause?.(err.message);
        // Ended by the wait's own end too, so a wait the user continued leaves no sign-in waiter behind.
        const stop = new AbortController();
        let resumed: boolean;
        try {
          const signedIn = this.waitForSignIn(
            o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal,
            o.maxPauseMs ?? 30 * 60_000,
          );
          resumed = o.wait ? await o.wait(err.message, signedIn) : await signedIn;
        } finally {
          stop.abort();
        }
        if (!resumed) throw err;
        o.onResume?.();
      }
    }
  }

  private waitForSignIn(signal: AbortSignal, maxMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        if (t) clearTimeout(t);
        this.signInWaiters.delete(onSignedIn);
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      };
      const onSignedIn = () => done(true);
      const onAbort = () => done(false);
      const t = Number.isFinite(maxMs) ? setTimeout(() => done(false), maxMs) : undefined;
      if (signal.aborted) return done(false);
      this.signInWaiters.add(onSignedIn);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    for (const w of [...this.signInWaiters]) w();
    this.closeSession();
  }
}
