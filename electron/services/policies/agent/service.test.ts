import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TaskManager } from '../../tasks/task-manager.ts';
import { PolicyService } from '../index.ts';
import { SchedulerLease } from '../scheduler-lease.ts';
import { samplePolicy, tempDir, testProtector } from '../test-policies.ts';
import type { AgentEnv } from './installer.ts';
import { AgentService } from './service.ts';

const command = { exec: '/opt/obc/node', args: ['/opt/obc/electron/cli/index.ts', 'agent', 'run', '--data', '/d'] };

describe('AgentService (the console’s agent panel)', () => {
  it('installed, running (holds the lease), next run and the agent’s last run; install and remove report what they did', async () => {
    const dataDir = await tempDir();
    const home = await tempDir('obc-agent-home-');
    const env: AgentEnv = {
      platform: 'linux',
      isRoot: false,
      user: 'ann',
      home,
      systemdRunning: false,
      exec: async () => ({ code: 0, stdout: '', stderr: '' }),
    };
    const policies = new PolicyService({ dataDir, protector: testProtector, tasks: new TaskManager(), lease: false });
    await policies.store.load();
    await policies.save(samplePolicy(), 'correct horse battery staple');
    const svc = new AgentService({ dataDir, policies, env: () => env, command: () => command });
    expect(await svc.status()).toMatchObject({
      supported: true,
      installed: false,
      running: false,
      lastRun: null,
      commandLine: '/opt/obc/node /opt/obc/electron/cli/index.ts agent run --data /d',
    });
    await expect(svc.remove()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const inst = await svc.install();
    expect(inst.done).toEqual([
      `Wrote the user unit ${join(home, '.config', 'systemd', 'user', 'obc-agent.service')}.`,
    ]);
    expect(inst.adminMust[0]).toMatch(/^systemd is not running on this machine/);
    expect(inst.status).toMatchObject({
      installed: true,
      note: 'systemd is not running on this machine; the unit file exists but nothing starts it.',
    });

    // The agent runs: it holds the data folder's lease (read by a console that runs with the lease on).
    const agentLease = new SchedulerLease(dataDir, () => Date.now(), {
      label: 'obc agent',
      pid: 999_999,
      isAlive: () => true,
      host: 'other-host',
    });
    expect(await agentLease.hold()).toBe(true);
    await policies.store.recordRun({
      id: 'r1',
      at: '2026-12-05T21:00:00.000Z',
      outcome: 'skipped',
      message: 'm',
      ranBy: 'obc agent on other-host (pid 999999)',
    });
    const withLease = new PolicyService({ dataDir, protector: testProtector, tasks: new TaskManager() });
    await withLease.store.load();
    const st = await new AgentService({
      dataDir,
      policies: withLease,
      env: () => env,
      command: () => command,
    }).status();
    expect(st).toMatchObject({
      running: true,
      runningAs: 'obc agent on other-host (pid 999999)',
      lastRun: { id: 'r1' },
    });
    expect(st.nextRun).toMatch(/T21:00:00\.000Z$/);
    agentLease.release();

    const rm = await svc.remove();
    expect(rm.done).toEqual([`Removed ${join(home, '.config', 'systemd', 'user', 'obc-agent.service')}.`]);
    expect(rm.status.installed).toBe(false);
    expect(existsSync(join(home, '.config', 'systemd', 'user', 'obc-agent.service'))).toBe(false);
  });

  it('a build without the command line says it cannot install the agent and why', async () => {
    const dataDir = await tempDir();
    const policies = new PolicyService({ dataDir, protector: testProtector, tasks: new TaskManager(), lease: false });
    await policies.store.load();
    const env: AgentEnv = {
      platform: 'linux',
      isRoot: false,
      user: 'ann',
      home: dataDir,
      systemdRunning: false,
      exec: async () => ({ code: 0, stdout: '', stderr: '' }),
    };
    const svc = new AgentService({
      dataDir,
      policies,
      env: () => env,
      command: () => {
        throw new Error('The agent runs this installation’s command line, which this build does not include.');
      },
    });
    expect(await svc.status()).toMatchObject({
      supported: false,
      reason: 'The agent runs this installation’s command line, which this build does not include.',
      commandLine: null,
    });
  });
});
