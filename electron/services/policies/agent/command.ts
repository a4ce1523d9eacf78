/**
 * What starts `obc agent` on this machine, and the machine as the installer sees it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../../shared/errors.ts';
import { repoRoot } from '../../paths.ts';
import type { AgentEnv } from './installer.ts';
import type { AgentCommand } from './unit-text.ts';

/**
 * `<node> <repo>/electron/cli/index.ts agent run --data <dataDir>`: the agent runs the command line of this
 * installation with the Node it runs on (under Electron: the Node 22 of node_modules). A build without the command
 * line's sources (the packaged desktop app) cannot install it, and says so.
 */
export function agentCommand(
  dataDir: string,
  o: { root?: string; execPath?: string; electron?: boolean } = {},
): AgentCommand {
  const root = o.root ?? repoRoot;
  const cli = join(root, 'electron', 'cli', 'index.ts');
  if (!existsSync(cli))
    throw new AppError(
      'UNSUPPORTED',
      `The agent runs this installation's command line (${cli}), which this build does not include. Install it from a source checkout: npm run obc -- agent install`,
    );
  let exec = o.execPath ?? process.execPath;
  if (o.electron ?? Boolean(process.versions.electron)) {
    exec = join(root, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
    if (!existsSync(exec))
      throw new AppError(
        'UNSUPPORTED',
        `The agent needs Node 22 (${exec}), which this installation does not have. Install it from a source checkout: npm run obc -- agent install`,
      );
  }
  return { exec, args: [cli, 'agent', 'run', '--data', dataDir] };
}

export function hostAgentEnv(): AgentEnv {
  const isRoot = process.getuid?.() === 0;
  return {
    platform: process.platform,
    exec: (file, args) =>
      new Promise((resolve) => {
        execFile(file, args, { windowsHide: true, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
          const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
          resolve({
            code: e ? (e.code === 'ENOENT' ? 127 : typeof e.code === 'number' ? e.code : 1) : 0,
            stdout: String(stdout),
            stderr: e?.code === 'ENOENT' ? `${file} is not installed` : String(stderr),
          });
        });
      }),
    isRoot,
    user: (isRoot && process.env.SUDO_USER) || userInfo().username,
    home: homedir(),
    systemdRunning: existsSync('/run/systemd/system'),
    ...(process.platform === 'win32'
      ? { windowsUserId: `${process.env.USERDOMAIN ?? '.'}\\${process.env.USERNAME ?? userInfo().username}` }
      : {}),
  };
}
