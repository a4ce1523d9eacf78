import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { CloudDefinition } from '../../../shared/clouds.ts';
import { startSandbox, type SandboxHandle, type StartSandboxOptions } from './index.ts';

/**
 * The sandbox as an app service (for the "Local sandbox" cloud in the console, without running `obc sandbox`
 * separately): start/stop one in-process sandbox kept in `<dataDir>/sandbox` (the same place `obc sandbox` uses
 * by default), and the datacenter steps a rehearsal needs. Wired in services/index.ts (`services.sandbox`, started on
 * demand through `sandbox:start`, never at boot) and electron/handlers/sandbox.ts.
 */
export interface SandboxStatus {
  running: boolean;
  dataDir: string;
  cloud?: CloudDefinition;
  subscriptionId?: string;
  users?: Array<{ username: string; password: string; role: string; needsConsent: boolean }>;
  endpoints?: { authority: string; signin: string; arm: string; graph: string; blob: string };
}

export interface DatacenterResult {
  job: unknown;
  logs?: Array<{ driveId: string; status: string }>;
}

export class SandboxService {
  private readonly dataDir: string;
  private readonly onStarted?: (cloud: CloudDefinition) => void;
  private readonly startOptions: Omit<StartSandboxOptions, 'dataDir'>;
  private handle: SandboxHandle | undefined;
  private starting: Promise<SandboxHandle> | undefined;

  constructor(o: {
    dataDir: string;
    onStarted?: (cloud: CloudDefinition) => void;
    startOptions?: Omit<StartSandboxOptions, 'dataDir'>;
  }) {
    this.dataDir = join(o.dataDir, 'sandbox');
    if (o.onStarted) this.onStarted = o.onStarted;
    this.startOptions = o.startOptions ?? {};
  }

  /** The running sandbox's handle (tests: tokens, admin API), or undefined. */
  current(): SandboxHandle | undefined {
    return this.handle;
  }

  status(): SandboxStatus {
    const h = this.handle;
    if (!h) return { running: false, dataDir: this.dataDir };
    return {
      running: true,
      dataDir: this.dataDir,
      cloud: h.cloud,
      subscriptionId: h.subscriptionId,
      users: h.users.map(({ username, password, role, needsConsent }) => ({ username, password, role, needsConsent })),
      endpoints: { authority: h.authority, signin: h.signinUrl, arm: h.armUrl, graph: h.graphUrl, blob: h.blobUrl },
    };
  }

  /** Starts the sandbox (idempotent; concurrent calls share one start). */
  async start(): Promise<SandboxStatus> {
    if (this.handle) return this.status();
    this.starting ??= (async () => {
      try {
        const h = await startSandbox({ ...this.startOptions, dataDir: this.dataDir });
        this.handle = h;
        this.onStarted?.(h.cloud);
        return h;
      } catch (err) {
        throw new AppError(
          'INTERNAL',
          `The local sandbox could not start (data in ${this.dataDir}): ${(err as Error).message}`,
        );
      } finally {
        this.starting = undefined;
      }
    })();
    await this.starting;
    return this.status();
  }

  async stop(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    const h = this.handle;
    this.handle = undefined;
    await h?.stop();
  }

  private async admin(path: string, body: unknown): Promise<DatacenterResult> {
    const h = this.handle;
    if (!h) throw new AppError('CONFLICT', 'The local sandbox is not running: start it first.');
    const res = await fetch(`${h.admin.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { error?: { code: string; message: string } } & Record<string, unknown>;
    if (!res.ok) {
      const code = res.status === 404 ? 'NOT_FOUND' : res.status === 409 ? 'CONFLICT' : 'VALIDATION';
      throw new AppError(code, json.error?.message ?? `Sandbox datacenter answered ${res.status}.`, {
        azureCode: json.error?.code ?? '',
      });
    }
    return path.endsWith('/receive') ? { job: json } : (json as unknown as DatacenterResult);
  }

  /** Rehearsal: the folder disks arrive at the datacenter (job Shipping → Received). */
  receiveDisks(resourceGroup: string, jobName: string, diskPaths: string[]): Promise<DatacenterResult> {
    return this.admin(`/jobs/${encodeURIComponent(resourceGroup)}/${encodeURIComponent(jobName)}/receive`, {
      disks: diskPaths.map((path) => ({ path })),
    });
  }

  /** Rehearsal: the datacenter copies the received disks (→ Completed or Closed, with copy logs). */
  transfer(resourceGroup: string, jobName: string): Promise<DatacenterResult> {
    return this.admin(`/jobs/${encodeURIComponent(resourceGroup)}/${encodeURIComponent(jobName)}/transfer`, {});
  }
}
