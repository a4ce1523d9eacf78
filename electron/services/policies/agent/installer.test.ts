import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../../test-temp.ts';
import { agentInstallation, installAgent, removeAgent, type AgentEnv, type ExecResult } from './installer.ts';
import { systemdUnit, windowsInstallScript, windowsRemoveScript } from './unit-text.ts';

const command = {
  exec: '/opt/obc/node',
  args: ['/opt/obc/electron/cli/index.ts', 'agent', 'run', '--data', '/home/ann/.obc'],
};

async function fakeEnv(over: Partial<AgentEnv> = {}, answers: Record<string, Partial<ExecResult>> = {}) {
  const home = await tempDir('obc-agent-home-');
  const ran: string[] = [];
  const env: AgentEnv = {
    platform: 'linux',
    isRoot: false,
    user: 'ann',
    home,
    systemdRunning: true,
    async exec(file, args) {
      const line = [file, ...args].join(' ');
      ran.push(line);
      const a = Object.entries(answers).find(([k]) => line.startsWith(k))?.[1] ?? {};
      return { code: 0, stdout: '', stderr: '', ...a };
    },
    ...over,
  };
  return { env, ran, home, unit: join(home, '.config', 'systemd', 'user', 'obc-agent.service') };
}

describe('installAgent on Linux', () => {
  it('a user unit: written, loaded, enabled and started; lingering named when it is off', async () => {
    const { env, ran, unit } = await fakeEnv({}, { 'loginctl show-user': { stdout: 'no\n' } });
    const r = await installAgent({ command }, env);
    expect(await readFile(unit, 'utf8')).toBe(systemdUnit({ command, scope: 'user' }));
    expect(ran).toEqual([
      'systemctl --user daemon-reload',
      'systemctl --user enable --now obc-agent.service',
      'loginctl show-user ann --property=Linger --value',
    ]);
    expect(r).toEqual({
      done: [
        `Wrote the user unit ${unit}.`,
        'Ran "systemctl --user daemon-reload".',
        'Ran "systemctl --user enable --now obc-agent.service".',
      ],
      adminMust: [
        'A user unit runs only while ann has a session. To run scheduled backups while nobody is logged on, run as root: loginctl enable-linger ann',
      ],
    });
    const again = await installAgent(
      { command },
      {
        ...env,
        exec: async (f, a) =>
          a.includes('--property=Linger') ? { code: 0, stdout: 'yes\n', stderr: '' } : env.exec(f, a),
      },
    );
    expect(again).toEqual({
      done: [
        `${unit} is already up to date.`,
        'Ran "systemctl --user daemon-reload".',
        'Ran "systemctl --user enable --now obc-agent.service".',
      ],
      adminMust: [],
    });
    expect(
      await agentInstallation({}, { ...env, exec: async () => ({ code: 0, stdout: 'active\n', stderr: '' }) }),
    ).toEqual({ installed: true, where: unit, managerState: 'active' });
  });

  it('a system unit needs root; as root it runs as the sudo user, with system systemctl', async () => {
    const { env } = await fakeEnv();
    await expect(installAgent({ command, scope: 'system' }, env)).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: expect.stringMatching(/^A system unit goes to \/etc\/systemd\/system, which needs root: /),
    });
    const dir = await tempDir('obc-agent-sys-');
    const root = await fakeEnv({ isRoot: true, user: 'backup-admin' });
    const r = await installAgent({ command, unitDir: dir }, root.env);
    expect(await readFile(join(dir, 'obc-agent.service'), 'utf8')).toContain('\nUser=backup-admin\n');
    expect(root.ran).toEqual([]); // a custom folder: written only
    expect(r.adminMust).toEqual([
      `${dir} is not where systemd reads units: copy obc-agent.service to /etc/systemd/system, then run "systemctl daemon-reload && systemctl enable --now obc-agent.service".`,
    ]);
  });

  it('without systemd running: the unit is written and the admin is told how to start the agent', async () => {
    const { env, ran } = await fakeEnv({ systemdRunning: false });
    const r = await installAgent({ command }, env);
    expect(ran).toEqual([]);
    expect(r.adminMust).toEqual([
      'systemd is not running on this machine (no /run/systemd/system), so nothing was started. Start the agent with your init system: /opt/obc/node /opt/obc/electron/cli/index.ts agent run --data /home/ann/.obc',
    ]);
    expect(await agentInstallation({}, env)).toMatchObject({
      installed: true,
      managerState: null,
      note: 'systemd is not running on this machine; the unit file exists but nothing starts it.',
    });
  });

  it('a failing systemctl says what was done, what failed and what to run; the unit stays', async () => {
    const { env, unit } = await fakeEnv(
      {},
      { 'systemctl --user enable': { code: 1, stderr: 'Failed to connect to bus: No medium found' } },
    );
    await expect(installAgent({ command }, env)).rejects.toMatchObject({
      code: 'IO',
      message: `Wrote the user unit ${unit}. Ran "systemctl --user daemon-reload". Then "systemctl --user enable --now obc-agent.service" failed: Failed to connect to bus: No medium found. The unit file ${unit} stays; fix the cause and run "systemctl --user enable --now obc-agent.service", or "obc agent remove".`,
    });
    expect(existsSync(unit)).toBe(true);
  });

  it('remove: disables, deletes and reloads; says when nothing is installed; a system unit without root is left to the admin', async () => {
    const { env, ran, unit } = await fakeEnv();
    expect(await removeAgent({}, env)).toEqual({
      done: ['No obc-agent.service is installed; nothing to remove.'],
      adminMust: [],
    });
    await installAgent({ command }, env);
    ran.length = 0;
    const r = await removeAgent({}, env);
    expect(ran).toEqual(['systemctl --user disable --now obc-agent.service', 'systemctl --user daemon-reload']);
    expect(r.done).toEqual([
      'Ran "systemctl --user disable --now obc-agent.service".',
      `Removed ${unit}.`,
      'Ran "systemctl --user daemon-reload".',
    ]);
    expect(existsSync(unit)).toBe(false);
    expect(await agentInstallation({}, env)).toEqual({ installed: false, where: null, managerState: null });
  });
});

describe('installAgent on Windows and elsewhere', () => {
  it('Windows: the exact script through powershell.exe -EncodedCommand; access denied asks for an elevated prompt', async () => {
    const { env, ran } = await fakeEnv({ platform: 'win32', windowsUserId: 'CONTOSO\\ann', home: 'C:\\Users\\ann' });
    const r = await installAgent({ command }, env);
    const [file, ...args] = ran[0].split(' ');
    expect(file).toBe('powershell.exe');
    expect(args.slice(0, 5)).toEqual([
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-EncodedCommand',
    ]);
    expect(Buffer.from(args[5], 'base64').toString('utf16le')).toBe(
      windowsInstallScript({ command, userId: 'CONTOSO\\ann', workingDirectory: 'C:\\Users\\ann' }),
    );
    expect(r.done[0]).toBe(
      'Registered the scheduled task "\\Offline Backup Console\\Offline Backup Console agent": it starts at boot as CONTOSO\\ann, whether or not the user is logged on, and restarts when it stops. Started it.',
    );
    const denied = await fakeEnv(
      { platform: 'win32' },
      { powershell: { code: 1, stderr: 'Register-ScheduledTask : Access is denied.' } },
    );
    await expect(installAgent({ command }, denied.env)).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message:
        'Registering the scheduled task failed: Register-ScheduledTask : Access is denied.. Run it from an elevated (Administrator) prompt.',
    });
    const rm = await fakeEnv({ platform: 'win32' }, { powershell: { stdout: 'removed\n' } });
    expect((await removeAgent({}, rm.env)).done).toEqual([
      'Stopped and removed the scheduled task "\\Offline Backup Console\\Offline Backup Console agent".',
    ]);
    expect(Buffer.from(rm.ran[0].split(' ')[6], 'base64').toString('utf16le')).toBe(windowsRemoveScript());
    const st = await fakeEnv(
      { platform: 'win32' },
      {
        powershell: {
          stdout: '{"state":"Running","lastRunTime":"2026-12-04T08:00:00.0000000Z","lastTaskResult":267009}\n',
        },
      },
    );
    expect(await agentInstallation({}, st.env)).toEqual({
      installed: true,
      where: '\\Offline Backup Console\\Offline Backup Console agent',
      managerState: 'Running',
    });
  });

  it('other systems: said plainly', async () => {
    const { env } = await fakeEnv({ platform: 'darwin' });
    await expect(installAgent({ command }, env)).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/on darwin start "obc agent run" with the system's own service manager/),
    });
  });

  it('an existing different unit is replaced and said so', async () => {
    const { env, unit } = await fakeEnv({ systemdRunning: false });
    await mkdir(join(unit, '..'), { recursive: true });
    await writeFile(unit, '[Service]\nExecStart=/old\n');
    expect((await installAgent({ command }, env)).done).toEqual([`Replaced the user unit ${unit}.`]);
  });
});
