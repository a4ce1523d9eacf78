import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { mintToken } from '../../electron/services/sandbox/test-tokens.ts';

/**
 * Starts the Local sandbox for Microsoft's clients: a temp dir with the sandbox CA (REQUESTS_CA_BUNDLE for Python
 * `requests` and the Azure CLI), an Owner token, and the environment ms_clients.py reads.
 */
export interface Conformance {
  sb: SandboxHandle;
  dir: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export const PYTHON = '/usr/bin/python3';
export const AZ = '/usr/bin/az';

export async function startConformance(): Promise<Conformance> {
  // lroDelayMs: a Data Box creation stays InProgress for a poll or two, so the clients' polling is exercised.
  const sb = await startSandbox({ registrationDelayMs: 0, lroDelayMs: 1500 });
  const dir = await mkdtemp(join(tmpdir(), 'obc-conformance-'));
  const ca = join(dir, 'sandbox-ca.pem');
  await writeFile(ca, sb.caCertPem);
  const token = await mintToken(sb, sb.users[0]);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    AZURE_CONFIG_DIR: join(dir, 'azure'),
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_NO_COLOR: 'true',
    REQUESTS_CA_BUNDLE: ca,
    OBC_ARM: sb.armUrl,
    OBC_TOKEN: token,
    OBC_SUB: sb.subscriptionId,
    OBC_RG: 'backup-rg',
    ...(process.env.OBC_DB_API ? { OBC_DB_API: process.env.OBC_DB_API } : {}),
    OBC_ACCOUNT_ID: `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
  };
  return {
    sb,
    dir,
    env,
    async stop() {
      await sb.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (bounded by `timeoutMs`: killed and reported, never left behind). */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${cmd} ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`),
      );
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

export interface StepRecord {
  provider: string;
  operation: string;
  apiVersion: string;
  statuses: number[];
  problems: string[];
  covers?: string;
}

/** Runs ms_clients.py (one provider part or all) and parses its JSON lines. */
export async function runMicrosoftClients(c: Conformance, part = 'all'): Promise<StepRecord[]> {
  const r = await run(PYTHON, [join(import.meta.dirname, 'ms_clients.py'), part], c.env);
  if (r.code !== 0) throw new Error(`ms_clients.py ${part} exited ${r.code}: ${r.stderr.slice(-3000)}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as StepRecord);
}
