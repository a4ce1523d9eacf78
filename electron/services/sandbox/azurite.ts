import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Azurite (blob service only) as a child process: the storage accounts' blob endpoint.
 * Mapping: every sandbox storage account is an Azurite account of the same name (AZURITE_ACCOUNTS), served
 * path-style at `https://127.0.0.1:<port>/<account>/`, so `<account>/<container>/<blob>` is exactly the Azure
 * layout under that URL. `devstoreaccount1` (the well-known emulator account) stays available too.
 * TLS uses the sandbox server certificate, so the same CA covers identity, ARM, Graph and blob.
 */
export const DEVSTORE_ACCOUNT = 'devstoreaccount1';
export const DEVSTORE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFMVTHTn6Z0Rk5iN5w==';

export interface AzuriteHandle {
  port: number;
  baseUrl: string;
  stop(): Promise<void>;
}

export async function freePort(preferred = 0): Promise<number> {
  const tryListen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(p, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
  if (preferred) {
    try {
      return await tryListen(preferred);
    } catch {
      /* taken: fall back to any */
    }
  }
  return tryListen(0);
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await delay(50);
  }
  throw new Error(`Azurite did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export async function startAzurite(opts: {
  location: string;
  accounts: Array<{ name: string; key: string }>;
  certPath: string;
  keyPath: string;
  port?: number;
}): Promise<AzuriteHandle> {
  await mkdir(opts.location, { recursive: true });
  const req = createRequire(import.meta.url);
  const main = join(dirname(req.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  const port = await freePort(opts.port ?? 0);
  const accounts = [{ name: DEVSTORE_ACCOUNT, key: DEVSTORE_KEY }, ...opts.accounts]
    .map((a) => `${a.name}:${a.key}`)
    .join(';');
  const args = [
    main,
    '--silent',
    '--loose',
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    String(port),
    '--location',
    opts.location,
    '--cert',
    opts.certPath,
    '--key',
    opts.keyPath,
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, AZURITE_ACCOUNTS: accounts },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // If this process dies without stop(), do not leave Azurite behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  try {
    await waitForPort(port, child, 20_000);
  } catch (err) {
    process.removeListener('exit', killOnExit);
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}${stderr ? `: ${stderr.trim()}` : ''}`, { cause: err });
  }
  return {
    port,
    baseUrl: `https://127.0.0.1:${port}`,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}
