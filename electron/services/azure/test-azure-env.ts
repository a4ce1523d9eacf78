/**
 * Test support for the Azure layer's integration tests: the real sandbox in-process (ephemeral ports), Chromium
 * driven by the sandbox's sign-in helper, and an AzureService pointed at the sandbox cloud. Not used by the product.
 */
import { rm } from 'node:fs/promises';
import type { Browser } from '@playwright/test';
import type { AuthStatus } from '../../../shared/contract/azure.ts';
import { startSandbox, type SandboxHandle, type StartSandboxOptions } from '../sandbox/index.ts';
import type { Exchange } from '../sandbox/arm.ts';
import { launchSignInBrowser, openBrowserAs, type SignInUser } from '../sandbox/test-signin.ts';
import { AzureService, type AzureServiceOptions } from './azure-service.ts';
import { tempDir } from '../test-temp.ts';

export interface AzureTestEnv {
  sb: SandboxHandle;
  browser: Browser;
  dirs: string[];
  /** Who the next interactive sign-in signs in as (null = open the URL and do nothing, like a closed window). */
  as: { user: SignInUser | null; opened: string[] };
  /** Every ARM request the product sent and the sandbox's answer, in order (for the swagger oracle, test-swagger.ts). */
  exchanges: Exchange[];
  service(
    opts?: Partial<AzureServiceOptions> & { dataDir?: string },
  ): Promise<AzureService & { dataDir: string; events: AuthStatus[] }>;
  close(): Promise<void>;
}

export async function startAzureTestEnv(o: StartSandboxOptions = {}): Promise<AzureTestEnv> {
  const exchanges: Exchange[] = [];
  const onArmExchange = (ex: Exchange) => {
    exchanges.push(ex);
    o.onArmExchange?.(ex);
  };
  const [sb, browser] = await Promise.all([
    startSandbox({ registrationDelayMs: 0, ...o, onArmExchange }),
    launchSignInBrowser(),
  ]);
  const dirs: string[] = [];
  const services: AzureService[] = [];
  const as: AzureTestEnv['as'] = { user: sb.users[0], opened: [] };
  return {
    sb,
    browser,
    dirs,
    as,
    exchanges,
    async service(opts = {}) {
      const dataDir = opts.dataDir ?? (await tempDir('obc-azure-'));
      if (!opts.dataDir) dirs.push(dataDir);
      const events: AuthStatus[] = [];
      const svc = new AzureService({
        dataDir,
        settings: () => ({ cloud: 'LocalSandbox' }),
        extraClouds: [sb.cloud],
        openUrl: async (url) => {
          as.opened.push(url);
          if (as.user) await openBrowserAs(browser, as.user)(url);
        },
        http: { retry: { baseDelayMs: 20 } },
        tuning: { providerPollMs: 50, principalRetry: { attempts: 3, delayMs: 50 } },
        onAuthChanged: (s) => events.push(s),
        ...opts,
      });
      services.push(svc);
      return Object.assign(svc, { dataDir, events });
    },
    async close() {
      for (const s of services) s.close();
      await browser.close().catch(() => undefined);
      await sb.stop();
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    },
  };
}

/** Datacenter/fault admin API of the sandbox. */
export async function sandboxAdmin(sb: SandboxHandle, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sb.admin.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${sb.admin.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox admin ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
