import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { startConsoleHost, type ConsoleHost } from '../host.ts';
import { test as base } from '../fixtures.ts';

/** POST to the sandbox's admin API (datacenter steps, provider registration, faults). */
export async function admin(sb: SandboxHandle, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${sb.admin.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sb.admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`admin ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A fresh temp folder for the test's own files (source, staging, restore), removed afterwards. */
export async function withWorkDir<T>(prefix: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Fixtures for specs against the Local sandbox: an in-process sandbox, a console host whose Local sandbox cloud is
 * that sandbox (OBC_SANDBOX_CLOUD), and a work folder. The sign-in window shows the sandbox identity server, whose
 * certificate comes from the sandbox's own test CA: specs `test.use({ ignoreHTTPSErrors: true })`.
 */
export const sandboxTest = base.extend<{ sandbox: SandboxHandle; work: string }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  sandbox: async ({}, use) => {
    const sb = await startSandbox({ registrationDelayMs: 0 });
    await use(sb);
    await sb.stop();
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  work: async ({}, use) => {
    await withWorkDir('obc-e2e-work-', use);
  },
  host: async ({ sandbox }, use) => {
    const host: ConsoleHost = await startConsoleHost({ OBC_SANDBOX_CLOUD: join(sandbox.dataDir, 'cloud.json') });
    await use(host);
    await host.stop();
  },
});
