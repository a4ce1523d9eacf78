import { mkdir } from 'node:fs/promises';
import { EventBus } from './events/event-bus.ts';
import { TaskManager } from './tasks/task-manager.ts';
import { SettingsStore } from './settings/settings-store.ts';
import { AzureService } from './azure/azure-service.ts';
import type { Protector } from './azure/protector.ts';
import { DiskPrepService } from './diskprep/service.ts';
import { signedInManifestCredential } from './diskprep/manifest-credential.ts';
import { BackupService } from './backup/service.ts';
import { join } from 'node:path';
import { PolicyService } from './policies/index.ts';
import { connectScheduler } from './policies/connect.ts';
import { AgentService } from './policies/agent/service.ts';
import { FileKeyProtector } from './azure/protector.ts';
import { ImportVerifyService } from './import-verify/service.ts';
import { recoverDeps } from './backup/recover-deps.ts';
import { SandboxService } from './sandbox/service.ts';
import { ActivityLog } from './log/activity-log.ts';

export interface ServicesOptions {
  dataDir: string;
  /** Opens a URL for the user (sign-in page): Electron's shell/auth window, the browser page, or the CLI's browser. */
  openUrl?: (url: string) => Promise<void>;
  testHooks?: boolean;
  /** Secrets at rest (token cache, Entra key): Electron safeStorage on the desktop; default the owner-only key file. */
  protector?: Protector;
}

/** The composition root shared by both hosts and the CLI: one instance of every service. */
export interface Services {
  /** The activity log (`<dataDir>/logs`), at the level chosen in Settings; never holds secrets. */
  log: ActivityLog;
  /** Contract events for the renderer: `services.events.publish('auth:changed', …)`; hosts forward all of them. */
  events: EventBus;
  dataDir: string;
  testHooks: boolean;
  tasks: TaskManager;
  settings: SettingsStore;
  /** Sign-in, subscriptions, storage, providers, Entra app, import jobs. */
  azure: AzureService;
  /** Disk Prep: jobs, disks, the copy task, drives.json. */
  diskprep: DiskPrepService;
  /** Back Up Now, Verify, Recover Data. */
  backup: BackupService;
  /** Backup policy, scheduler, Change Properties. */
  policies: PolicyService;
  /** obc agent as a service of this machine: status, install, remove. */
  agent: AgentService;
  /** Verify imported data against the staged backup; staging clean-up; copy logs. */
  importVerify: ImportVerifyService;
  /** The Local sandbox for rehearsal: started on demand (sandbox:start), never at boot; data in <dataDir>/sandbox. */
  sandbox: SandboxService;
  openUrl: (url: string) => Promise<void>;
  close(): Promise<void>;
}

export async function createServices(opts: ServicesOptions): Promise<Services> {
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const tasks = new TaskManager();
  const settings = new SettingsStore(opts.dataDir);
  await settings.load();
  const events = new EventBus();
  const log = new ActivityLog(opts.dataDir, () => settings.get().logLevel);
  const lastStatus = new Map<string, string>();
  tasks.on('updated', (t) => {
    if (lastStatus.get(t.id) === t.status) return;
    lastStatus.set(t.id, t.status);
    const level = t.status === 'failed' ? 'error' : t.status === 'succeededWithWarnings' ? 'warn' : 'info';
    log.write(level, `task:${t.status}`, {
      id: t.id,
      kind: t.kind,
      title: t.title,
      ...(t.status === 'waiting' && t.message ? { message: t.message } : {}),
      ...(t.error ? { error: t.error } : {}),
      ...(t.warnings.length ? { warnings: t.warnings.length } : {}),
    });
  });
  tasks.on('removed', ({ id }) => lastStatus.delete(id));
  tasks.on('updated', (s) => events.publish('task:updated', s));
  tasks.on('removed', (r) => events.publish('task:removed', r));
  settings.on('changed', (s) => events.publish('settings:changed', s));
  const azure = new AzureService({
    dataDir: opts.dataDir,
    settings: () => settings.get(),
    openUrl: (url) => (opts.openUrl ?? (async () => undefined))(url),
    ...(opts.protector ? { protector: opts.protector } : {}),
    onAuthChanged: (s) => events.publish('auth:changed', s),
    onSignInUrl: (url) => events.publish('auth:signInUrl', { url }),
  });
  settings.on(
    'changed',
    () =>
      void azure.status().then(
        (st) => events.publish('auth:changed', st),
        () => undefined,
      ),
  );
  const policies = new PolicyService({
    dataDir: opts.dataDir,
    protector: opts.protector ?? new FileKeyProtector(join(opts.dataDir, 'policy-secrets.key')),
    tasks,
    log: (level, event, fields) => log.write(level, event, fields),
  });
  await policies.load();
  policies.on('changed', (v) => events.publish('policy:changed', v));
  // The scheduler's seams (import job check, online run): the same wiring as obc agent's.
  connectScheduler(policies, { azure: async () => azure, dataDir: opts.dataDir });
  const sandbox = new SandboxService({ dataDir: opts.dataDir, onStarted: (cloud) => azure.addCloud(cloud) });
  const importVerify = new ImportVerifyService({
    tasks,
    dataDir: opts.dataDir,
    storageAccess: async () => (await azure.session_()).clients,
  });
  log.write('info', 'services:started', { dataDir: opts.dataDir });
  const backup = new BackupService(
    tasks,
    {},
    {
      ...recoverDeps({ azure, importVerify, policies }),
      log: (level, event, fields) => log.write(level, event, fields),
    },
  );
  return {
    log,
    events,
    dataDir: opts.dataDir,
    testHooks: opts.testHooks ?? process.env.OBC_TEST_HOOKS === '1',
    tasks,
    settings,
    azure,
    diskprep: new DiskPrepService({
      tasks,
      dataDir: opts.dataDir,
      // The manifests' container SAS through the signed-in Azure layer; without a sign-in the task waits for one.
      credential: signedInManifestCredential(azure),
    }),
    backup,
    policies,
    agent: new AgentService({ dataDir: opts.dataDir, policies }),
    importVerify,
    sandbox,
    openUrl: opts.openUrl ?? (async () => undefined),
    async close() {
      azure.close();
      policies.close();
      await tasks.shutdown();
      await backup.close();
      await sandbox.stop();
      log.write('info', 'services:stopped');
      await log.flush();
    },
  };
}
