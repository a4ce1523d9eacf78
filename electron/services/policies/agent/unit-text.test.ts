import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  systemdQuote,
  systemdUnit,
  windowsArg,
  windowsInstallScript,
  windowsRemoveScript,
  windowsStatusScript,
} from './unit-text.ts';
import { tempDir } from '../../test-temp.ts';

const cmd = {
  exec: '/opt/obc/node_modules/node/bin/node',
  args: ['/opt/obc/electron/cli/index.ts', 'agent', 'run', '--data', '/home/ann/.offline-backup-console'],
};

describe('systemd unit', () => {
  it('a user unit, exactly', () => {
    expect(systemdUnit({ command: cmd, scope: 'user' })).toBe(
      [
        '# Written by obc agent install; obc agent remove removes it.',
        '[Unit]',
        'Description=Offline Backup Console agent: runs the scheduled backups of this machine',
        'After=network-online.target',
        'Wants=network-online.target',
        '',
        '[Service]',
        'Type=simple',
        'ExecStart="/opt/obc/node_modules/node/bin/node" "/opt/obc/electron/cli/index.ts" "agent" "run" "--data" "/home/ann/.offline-backup-console"',
        'Restart=on-failure',
        'RestartSec=30',
        'KillSignal=SIGTERM',
        'TimeoutStopSec=120',
        'UMask=0077',
        'NoNewPrivileges=yes',
        '',
        '[Install]',
        'WantedBy=default.target',
        '',
      ].join('\n'),
    );
  });

  it('a system unit runs as the installing account and is wanted by multi-user.target', () => {
    const text = systemdUnit({ command: cmd, scope: 'system', user: 'backup-admin' });
    expect(text).toContain('\nUser=backup-admin\n');
    expect(text).toContain('\nWantedBy=multi-user.target\n');
    expect(() => systemdUnit({ command: cmd, scope: 'system' })).toThrow('A system unit needs the account it runs as.');
    expect(() => systemdUnit({ command: cmd, scope: 'system', user: 'ann smith' })).toThrow(
      /is not an account name systemd accepts/,
    );
    expect(() => systemdUnit({ command: { ...cmd, exec: 'node' }, scope: 'user' })).toThrow(
      'The agent\'s program must be an absolute path (got "node").',
    );
  });

  it('quotes paths with spaces, quotes, backslashes, % and $ so systemd reads them back literally', () => {
    expect(systemdQuote('/srv/My Backups/data')).toBe('"/srv/My Backups/data"');
    expect(systemdQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(systemdQuote('100%$HOME')).toBe('"100%%$$HOME"');
    expect(() => systemdQuote('a\nExecStartPre=/bin/evil')).toThrow(/contains a line break or control character/);
  });

  const analyze = spawnSync('systemd-analyze', ['--version']);
  it.skipIf(analyze.status !== 0)(
    'systemd-analyze verify accepts the units (skipped where systemd-analyze is not installed)',
    async () => {
      const dir = await tempDir('obc-unit-');
      const odd = { exec: process.execPath, args: ['/srv/My "odd" dir\\x', '100%', '$HOME', 'agent', 'run'] };
      for (const [i, text] of [
        systemdUnit({ command: odd, scope: 'user' }),
        systemdUnit({ command: odd, scope: 'system', user: 'root' }),
      ].entries()) {
        const file = join(dir, `obc-agent-${i}.service`);
        await writeFile(file, text);
        const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
      }
    },
  );
});

describe('Windows scheduled task', () => {
  const win = {
    command: {
      exec: 'C:\\Program Files\\obc\\node_modules\\node\\bin\\node.exe',
      args: [
        'C:\\Program Files\\obc\\electron\\cli\\index.ts',
        'agent',
        'run',
        '--data',
        "C:\\Users\\O'Brien\\.offline-backup-console",
      ],
    },
    userId: 'CONTOSO\\ann',
    workingDirectory: 'C:\\Users\\ann',
  };

  it('registers a task at startup, as the user whether logged on or not, never stopped for running long, restarted when it stops', () => {
    expect(windowsInstallScript(win).split('\r\n')).toEqual([
      "$ErrorActionPreference = 'Stop'",
      "$action = New-ScheduledTaskAction -Execute 'C:\\Program Files\\obc\\node_modules\\node\\bin\\node.exe' -Argument '\"C:\\Program Files\\obc\\electron\\cli\\index.ts\" agent run --data C:\\Users\\O''Brien\\.offline-backup-console' -WorkingDirectory 'C:\\Users\\ann'",
      '$trigger = New-ScheduledTaskTrigger -AtStartup',
      "$principal = New-ScheduledTaskPrincipal -UserId 'CONTOSO\\ann' -LogonType S4U -RunLevel Highest",
      '$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) -MultipleInstances IgnoreNew -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries',
      "Register-ScheduledTask -TaskName 'Offline Backup Console agent' -TaskPath '\\Offline Backup Console\\' -Action $action -Trigger $trigger -Principal $principal -Settings $settings -Description 'Offline Backup Console agent: runs the scheduled backups of this machine' -Force | Out-Null",
      "Start-ScheduledTask -TaskName 'Offline Backup Console agent' -TaskPath '\\Offline Backup Console\\'",
      '',
    ]);
    expect(windowsRemoveScript()).toContain(
      "Unregister-ScheduledTask -TaskName 'Offline Backup Console agent' -TaskPath '\\Offline Backup Console\\' -Confirm:$false",
    );
    expect(windowsStatusScript()).toContain('ConvertTo-Json -Compress');
  });

  it('command-line arguments as CommandLineToArgvW reads them: spaces, quotes and trailing backslashes', () => {
    expect(windowsArg('plain')).toBe('plain');
    expect(windowsArg('')).toBe('""');
    expect(windowsArg('C:\\Program Files\\x\\')).toBe('"C:\\Program Files\\x\\\\"');
    expect(windowsArg('say "hi"')).toBe('"say \\"hi\\""');
    expect(windowsArg('a\\"b')).toBe('"a\\\\\\"b"');
    expect(() => windowsArg('a\r\nb')).toThrow(/control character/);
  });

  it.skipIf(!existsSync('/usr/bin/python3'))(
    'agrees with Python’s subprocess.list2cmdline (Microsoft’s C runtime rules) on arguments without quotes (skipped without /usr/bin/python3)',
    () => {
      const args = fc.array(fc.stringMatching(/^[a-zA-Z0-9 \\:._-]{0,12}$/), { minLength: 1, maxLength: 6 });
      const samples = fc.sample(args, 200);
      const theirs = JSON.parse(
        execFileSync(
          '/usr/bin/python3',
          [
            '-c',
            'import json,subprocess,sys; print(json.dumps([subprocess.list2cmdline(a) for a in json.load(sys.stdin)]))',
          ],
          { input: JSON.stringify(samples), encoding: 'utf8' },
        ),
      ) as string[];
      samples.forEach((a, i) => expect(a.map(windowsArg).join(' ')).toBe(theirs[i]));
    },
  );
});
