/**
 * obc agent on the console's home screen: is it installed as a service (Windows scheduled task, Linux systemd unit)
 * and running (it holds this data folder's scheduler lease), its next and last runs, Install / Remove. Self-contained:
 * it asks the host (agent:status, agent:install, agent:remove) and refreshes when the policy view changes.
 * data-testid: agent-panel (data-installed, data-running), agent-installed, agent-running, agent-next, agent-last,
 *   agent-install, agent-remove, agent-refresh, agent-done, agent-todo, agent-error, agent-unsupported
 */
import { Button, Card, Text, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import type { AgentChange, AgentStatus } from '../../../../shared/contract/policies.ts';
import { api, errorMessage } from '../../api/client.ts';
import { formatDateTime } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';

export function AgentPanel() {
  const [status, setStatus] = useState<AgentStatus | null>(null);
  const [busy, setBusy] = useState<'install' | 'remove' | null>(null);
  const [change, setChange] = useState<Omit<AgentChange, 'status'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const view = useAppStore((s) => s.scheduleBackup.view);
  const connected = useAppStore((s) => s.connection.state === 'connected');

  const refresh = useCallback(async () => {
    try {
      setStatus(await api.invoke('agent:status', {}));
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);
  // The lease holder, the next run and the last run change with the policy view (policy:changed).
  useEffect(() => {
    if (connected) void refresh();
  }, [connected, view, refresh]);

  const act = async (what: 'install' | 'remove') => {
    setBusy(what);
    setError(null);
    setChange(null);
    try {
      const r = await api.invoke(what === 'install' ? 'agent:install' : 'agent:remove', {});
      setChange({ done: r.done, adminMust: r.adminMust });
      setStatus(r.status);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const s = status;
  return (
    <Card
      data-testid="agent-panel"
      data-installed={s ? String(s.installed) : 'unknown'}
      data-running={s ? String(s.running) : 'unknown'}
      aria-labelledby="agent-heading"
    >
      <Text as="h2" id="agent-heading" size={400} weight="semibold" style={{ margin: 0 }}>
        Scheduled backups without the console (obc agent)
      </Text>
      {!s ? (
        <Text size={200}>{error ?? 'Reading the agent’s state…'}</Text>
      ) : (
        <div style={{ display: 'grid', gap: 4 }}>
          <Text size={200} data-testid="agent-installed">
            {s.installed
              ? `Installed as a service: ${s.where}${s.managerState ? ` (${s.managerState})` : ''}.`
              : 'Not installed as a service: scheduled backups run only while a console runs.'}
            {s.note ? ` ${s.note}` : ''}
          </Text>
          <Text size={200} data-testid="agent-running">
            {s.running
              ? `Running: ${s.runningAs} runs the scheduled backups.`
              : s.installed
                ? 'Not running now (a console runs the schedules, or the service is stopped).'
                : 'Not running.'}
          </Text>
          <Text size={200} data-testid="agent-next">
            Next run: {s.nextRun ? formatDateTime(s.nextRun) : 'none scheduled'}
          </Text>
          <Text size={200} data-testid="agent-last">
            Last run by the agent: {s.lastRun ? `${formatDateTime(s.lastRun.at)}: ${s.lastRun.message}` : 'none yet'}
          </Text>
          {!s.supported && (
            <Text size={200} data-testid="agent-unsupported">
              {s.reason}
            </Text>
          )}
        </div>
      )}
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        <Button
          data-testid="agent-install"
          appearance="primary"
          disabled={!s?.supported || busy !== null}
          onClick={() => void act('install')}
        >
          {busy === 'install' ? 'Installing…' : s?.installed ? 'Reinstall' : 'Install the agent'}
        </Button>
        <Button data-testid="agent-remove" disabled={!s?.installed || busy !== null} onClick={() => void act('remove')}>
          {busy === 'remove' ? 'Removing…' : 'Remove the agent'}
        </Button>
        <Button data-testid="agent-refresh" appearance="subtle" disabled={busy !== null} onClick={() => void refresh()}>
          Refresh
        </Button>
      </div>
      {change && (
        <div style={{ display: 'grid', gap: 2 }}>
          {change.done.map((d) => (
            <Text key={d} size={200} data-testid="agent-done">
              {d}
            </Text>
          ))}
          {change.adminMust.map((d) => (
            <Text key={d} size={200} weight="semibold" data-testid="agent-todo">
              To do: {d}
            </Text>
          ))}
        </div>
      )}
      {error && s && (
        <Text
          size={200}
          role="alert"
          data-testid="agent-error"
          style={{ color: tokens.colorPaletteRedForeground1, wordBreak: 'break-word' }}
        >
          {error}
        </Text>
      )}
    </Card>
  );
}
