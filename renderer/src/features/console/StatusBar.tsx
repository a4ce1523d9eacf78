/**
 * Bottom status area: connection state, jobs at work / waiting for the user, host kind, data directory, version.
 * data-testid: status-bar, connection-status (data-state), status-tasks, status-tasks-running, status-tasks-waiting,
 * status-data-dir, status-host
 */
import { Badge, Text, makeStyles, tokens } from '@fluentui/react-components';
import { HourglassRegular, PauseCircleRegular } from '@fluentui/react-icons';
import type { ConnectionState } from '../../api/types.ts';
import { useAppStore } from '../../store/index.ts';
import { tasksSelectors } from '../../store/slices/tasks.ts';

export const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  unreachable: 'Host unreachable',
  unauthorized: 'Not authorized',
};

const COLORS: Record<ConnectionState, 'success' | 'warning' | 'danger' | 'informative'> = {
  connecting: 'informative',
  connected: 'success',
  reconnecting: 'warning',
  unreachable: 'danger',
  unauthorized: 'danger',
};

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    gap: tokens.spacingHorizontalXL,
    alignItems: 'center',
    flexWrap: 'wrap',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalL}`,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground3,
  },
  item: { display: 'flex', gap: tokens.spacingHorizontalXS, alignItems: 'center', minWidth: 0 },
});

export function StatusBar() {
  const styles = useStyles();
  const conn = useAppStore((s) => s.connection);
  const info = useAppStore((s) => s.appInfo);
  const running = useAppStore(tasksSelectors.runningCount);
  const waiting = useAppStore(tasksSelectors.waitingCount);
  const waitingMessage = useAppStore((s) => tasksSelectors.firstWaiting(s)?.message);
  return (
    <footer className={styles.bar} data-testid="status-bar">
      <span className={styles.item} role="status" aria-live="polite">
        <Badge data-testid="connection-status" data-state={conn.state} color={COLORS[conn.state]} appearance="tint">
          {conn.state === 'unauthorized' && conn.reason === 'tokenMismatch'
            ? 'Address out of date'
            : CONNECTION_LABELS[conn.state]}
        </Badge>
      </span>
      {(running > 0 || waiting > 0) && (
        <span className={styles.item} data-testid="status-tasks" role="status" aria-live="polite">
          {running > 0 && (
            <Badge data-testid="status-tasks-running" appearance="tint" color="brand" icon={<HourglassRegular />}>
              {running} running
            </Badge>
          )}
          {waiting > 0 && (
            // A job paused for the user (e.g. another disk): attention, not the red of a failure.
            <Badge
              data-testid="status-tasks-waiting"
              appearance="tint"
              color="warning"
              icon={<PauseCircleRegular />}
              title={waitingMessage}
            >
              {waiting} waiting for you
            </Badge>
          )}
        </span>
      )}
      <Text size={200} className={styles.item} data-testid="status-host">
        Host: {info ? (info.host === 'electron' ? 'desktop app' : 'browser mode') + ` · ${info.platform}` : '—'}
      </Text>
      <Text size={200} className={styles.item} data-testid="status-data-dir" style={{ wordBreak: 'break-all' }}>
        Data: {info?.dataDir ?? '—'}
      </Text>
      <Text size={200} className={styles.item}>
        {info ? `Version ${info.version}` : ''}
        {info?.testHooks ? ' · test hooks on' : ''}
      </Text>
    </footer>
  );
}
