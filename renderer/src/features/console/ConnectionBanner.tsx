/**
 * Explains a missing host instead of showing an empty console.
 * data-testid: connection-banner, connection-retry
 */
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarGroup, MessageBarTitle } from '@fluentui/react-components';
import { useAppStore } from '../../store/index.ts';
import { formatDuration } from '../../components/format.ts';

export function ConnectionBanner() {
  const conn = useAppStore((s) => s.connection);
  const retry = useAppStore((s) => s.retryConnection);
  if (conn.state === 'connected' || conn.state === 'connecting') return null;
  const retryText = conn.retryInMs !== undefined ? ` Trying again in ${formatDuration(conn.retryInMs / 1000)}.` : '';
  const where = location.host || 'this address';
  const [title, body] =
    conn.state === 'unauthorized'
      ? ['Not authorized', `${conn.detail ?? ''} Start the console with npm start (or npm run serve) and open the Console link it prints, including #token=….`]
      : conn.state === 'reconnecting'
        ? ['Connection to the console host lost', `Jobs keep running on the host; this page resyncs when it is back.${retryText}`]
        : [
            'Cannot reach the console host',
            `Nothing answers at ${where}. Make sure npm start (or npm run serve) is still running on this machine. If it was restarted, its access token changed: open the new Console link it printed.${retryText}`,
          ];
  return (
    <MessageBarGroup>
      <MessageBar intent={conn.state === 'reconnecting' ? 'warning' : 'error'} data-testid="connection-banner" data-state={conn.state} layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{title}</MessageBarTitle>
          {body}
        </MessageBarBody>
        {conn.state !== 'unauthorized' && (
          <MessageBarActions>
            <Button data-testid="connection-retry" onClick={retry}>
              Retry now
            </Button>
          </MessageBarActions>
        )}
      </MessageBar>
    </MessageBarGroup>
  );
}
