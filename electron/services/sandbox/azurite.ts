import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mkdir } from 'node:fs/promises';

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

/** Azurite's own line once its server listens (`blob/main.js`); the TCP port alone could be another process's. */
const LISTENING = 'Azurite Blob service successfully listens on ';

/**
 * Wait until the child says it listens on our address. A bare TCP connect is not enough: the port was free when
 * `freePort` looked, but another server (tests run in parallel) can take it before Azurite binds, and a connect
 * would then reach that server. Rejects with `inUse` when the child exits because the address was taken.
 */
function waitForListening(child: ChildProcess, url: string, timeoutMs: number, stderr: () => string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let stdout = '';
    const done = (err?: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('close', onExit);
      if (err) reject(err);
      else resolve();
    };
    const onData = (d: Buffer) => {
      stdout = (stdout + d.toString('utf8')).slice(-4000);
      if (stdout.includes(`${LISTENING}${url}`)) done();
    };
    const onExit = (code: number | null, signal: string | null) => {
      const why = `${stderr()}\n${stdout}`.trim();
      const err = new Error(
        `Azurite exited (${signal ?? `code ${code}`}) before listening on ${url}${why ? `: ${why}` : ''}`,
      ) as Error & { inUse?: boolean };
      err.inUse = why.includes('EADDRINUSE');
      done(err);
    };
    const timer = setTimeout(
      () =>
        done(new Error(`Azurite did not listen on ${url} within ${timeoutMs} ms${stderr() ? `: ${stderr()}` : ''}`)),
      timeoutMs,
    );
    child.stdout?.on('data', onData);
    child.once('close', onExit);
  });
}

export async function startAzurite(opts: {
  location: string;
  accounts: Array<{ name: string; key: string }>;
  certPath: string;
  keyPath: string;
  port?: number;
}): Promise<AzuriteHandle> {
  // A port chosen here can be taken before Azurite binds it: try another one then (a preferred port that is already
  // taken falls back to any port in `freePort`, so `opts.port` is a preference, as before).
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAzuriteOn(opts, await freePort(opts.port ?? 0));
    } catch (err) {
      if (!(err as { inUse?: boolean }).inUse || attempt >= 5) throw err;
    }
  }
}

/** Azurite on exactly this port; rejects (with `inUse` set) if the port is taken by the time Azurite binds it. */
export async function startAzuriteOn(
  opts: { location: string; accounts: Array<{ name: string; key: string }>; certPath: string; keyPath: string },
  port: number,
): Promise<AzuriteHandle> {
  await mkdir(opts.location, { recursive: true });
  const req = createRequire(import.meta.url);
  const main = join(dirname(req.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
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
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If this process dies without stop(), do not leave Azurite behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  try {
    await waitForListening(child, `https://127.0.0.1:${port}`, 20_000, () => stderr.trim());
  } catch (err) {
    process.removeListener('exit', killOnExit);
    child.kill('SIGKILL');
    throw err;
  }
  // Azurite logs one line per start and stop only (--silent): keep reading so a full pipe never blocks it.
  child.stdout?.resume();
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
