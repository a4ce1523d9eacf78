import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const repoRoot = resolve(import.meta.dirname, '..');

export interface ConsoleHost {
  /** http://127.0.0.1:<port>/#token=… */
  consoleUrl: string;
  origin: string;
  token: string;
  dataDir: string;
  tmpDir: string;
  stop(): Promise<void>;
}

/**
 * Starts browser mode as a real child process (`node scripts/serve.ts`) with its own data dir and test hooks on.
 * `opts.dataDir`: a data dir the test prepared (e.g. runs recorded by obc agent); the test removes it.
 */
export async function startConsoleHost(
  env: Record<string, string> = {},
  opts: { dataDir?: string } = {},
): Promise<ConsoleHost> {
  const tmpDir = await mkdtemp(join(tmpdir(), 'obc-e2e-'));
  const dataDir = opts.dataDir ?? join(tmpDir, 'data');
  const child: ChildProcess = spawn(
    process.execPath,
    [join(repoRoot, 'scripts', 'serve.ts'), '--port', '0', '--data', dataDir, '--no-build'],
    {
      cwd: repoRoot,
      env: { ...process.env, OBC_TEST_HOOKS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const consoleUrl = await new Promise<string>((resolveUrl, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      const m = /^Console: (\S+)$/.exec(line);
      if (m) resolveUrl(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`console host exited with ${code}: ${stderr}`)));
  });
  // A host that dies mid-test shows only as "connection lost" in the page: say why in the test output.
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping)
      console.error(
        `console host exited unexpectedly (${code ?? signal}); its stderr ends with:\n${stderr.slice(-4000)}`,
      );
  });
  const url = new URL(consoleUrl);
  return {
    consoleUrl,
    origin: url.origin,
    token: new URLSearchParams(url.hash.slice(1)).get('token') ?? '',
    dataDir,
    tmpDir,
    async stop() {
      stopping = true;
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(tmpDir, { recursive: true, force: true });
    },
  };
}
