import '../../test-dom-shims.ts';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../../../shared/contract/policies.ts';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore } from '../../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { AgentPanel } from './AgentPanel.tsx';

const base: AgentStatus = {
  supported: true,
  installed: false,
  where: null,
  managerState: null,
  running: false,
  runningAs: null,
  nextRun: '2026-12-05T21:00:00.000Z',
  lastRun: null,
  commandLine: '/opt/obc/node /opt/obc/electron/cli/index.ts agent run --data /d',
};

let t: FakeTransport;
beforeEach(() => {
  t = createFakeTransport();
  installTransport(() => t);
  resetAppStore();
  getAppState().setConnection({ state: 'connected' });
});
afterEach(cleanup);
const renderPanel = () =>
  render(
    <FluentProvider theme={webLightTheme}>
      <AgentPanel />
    </FluentProvider>,
  );

describe('AgentPanel', () => {
  it('shows not installed, installs, says what was done and what the admin must still do, then shows it running', async () => {
    let status = base;
    t.handle('agent:status', () => ({ ok: true, value: status }));
    t.handle('agent:install', () => {
      status = {
        ...base,
        installed: true,
        where: '/home/ann/.config/systemd/user/obc-agent.service',
        managerState: 'active',
        running: true,
        runningAs: 'obc agent on srv-01 (pid 4242)',
      };
      return {
        ok: true,
        value: {
          done: [
            'Wrote the user unit /home/ann/.config/systemd/user/obc-agent.service.',
            'Ran "systemctl --user enable --now obc-agent.service".',
          ],
          adminMust: ['To run scheduled backups while nobody is logged on, run as root: loginctl enable-linger ann'],
          status,
        },
      };
    });
    renderPanel();
    expect((await screen.findByTestId('agent-installed')).textContent).toBe(
      'Not installed as a service: scheduled backups run only while a console runs.',
    );
    expect(screen.getByTestId('agent-panel').getAttribute('data-running')).toBe('false');
    expect((screen.getByTestId('agent-remove') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('agent-install'));
    expect((await screen.findAllByTestId('agent-done')).map((e) => e.textContent)).toEqual([
      'Wrote the user unit /home/ann/.config/systemd/user/obc-agent.service.',
      'Ran "systemctl --user enable --now obc-agent.service".',
    ]);
    expect(screen.getByTestId('agent-todo').textContent).toBe(
      'To do: To run scheduled backups while nobody is logged on, run as root: loginctl enable-linger ann',
    );
    expect(screen.getByTestId('agent-installed').textContent).toBe(
      'Installed as a service: /home/ann/.config/systemd/user/obc-agent.service (active).',
    );
    expect(screen.getByTestId('agent-running').textContent).toBe(
      'Running: obc agent on srv-01 (pid 4242) runs the scheduled backups.',
    );
    expect(screen.getByTestId('agent-panel').getAttribute('data-running')).toBe('true');
    expect((screen.getByTestId('agent-remove') as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows the agent’s last run, a refusal from the host, and why a build cannot install it', async () => {
    t.handle('agent:status', () => ({
      ok: true,
      value: {
        ...base,
        installed: true,
        where: 'x',
        lastRun: {
          id: 'r',
          at: '2026-12-04T21:00:00.000Z',
          outcome: 'waitingForImport' as const,
          message: 'Waiting for Azure Import Job to complete.',
        },
      },
    }));
    t.handle('agent:remove', () => ({
      ok: false,
      error: {
        code: 'PERMISSION_DENIED',
        message: 'The system unit /etc/systemd/system/obc-agent.service needs root to remove.',
      },
    }));
    renderPanel();
    expect((await screen.findByTestId('agent-last')).textContent).toMatch(
      /^Last run by the agent: .*: Waiting for Azure Import Job to complete\.$/,
    );
    fireEvent.click(screen.getByTestId('agent-remove'));
    expect((await screen.findByTestId('agent-error')).textContent).toBe(
      'The system unit /etc/systemd/system/obc-agent.service needs root to remove.',
    );
    cleanup();
    t.handle('agent:status', () => ({
      ok: true,
      value: {
        ...base,
        supported: false,
        reason: 'The agent runs this installation’s command line, which this build does not include.',
        commandLine: null,
      },
    }));
    renderPanel();
    expect((await screen.findByTestId('agent-unsupported')).textContent).toMatch(/which this build does not include/);
    expect((screen.getByTestId('agent-install') as HTMLButtonElement).disabled).toBe(true);
  });
});
