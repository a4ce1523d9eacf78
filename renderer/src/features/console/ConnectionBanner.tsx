/**
 * Explains a missing host instead of showing an empty console: not authorized (no token), out of date (the running
 * host does not know this page's token), connection lost, or nothing answering.
 * data-testid: connection-banner (data-state, data-reason), connection-retry
 */
import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarGroup,
  MessageBarTitle,
} from '@fluentui/react-components';
import { useAppStore } from '../../store/index.ts';
import { formatDuration } from '../../components/format.ts';
import type { ConnectionStatus } from '../../api/types.ts';

/** Title and text for a state the banner shows. */
export function bannerText(conn: ConnectionStatus, where: string): [string, string] {
  const retryText = conn.retryInMs !== undefined ? ` Trying again in ${formatDuration(conn.retryInMs / 1000)}.` : '';
  if (conn.state === 'unauthorized' && conn.reason === 'tokenMismatch')
    // The host answers but was restarted since this page opened (new token): say that, not "unreachable".
    return [
      'Reopen the console from its new address',
      `${conn.detail ?? ''} It is the "Console:" line, ending in #token=….`,
    ];
  if (conn.state === 'unauthorized')
    return [
      'Not authorized',
      `${conn.detail ?? ''} Start the console with npm start (or npm run serve) and open the Console link it prints, including #token=….`,
    ];
  if (conn.state === 'reconnecting')
    return [
      'Connection to the console host lost',
      `Jobs keep running on the host; this page resyncs when it is back.${retryText}`,
    ];
  return [
    'Cannot reach the console host',
    `Nothing answers at ${where}. Make sure npm start (or npm run serve) is still running on this machine. If you start it again, open the new Console link it prints (its address and token change).${retryText}`,
  ];
}

export function ConnectionBanner() {
  const conn = useAppStore((s) => s.connection);
  const retry = useAppStore((s) => s.retryConnection);
  if (conn.state === 'connected' || conn.state === 'connecting') return null;
  const [title, body] = bannerText(conn, location.host || 'this address');
  return (
    <MessageBarGroup>
      <MessageBar
        intent={conn.state === 'reconnecting' ? 'warning' : 'error'}
        data-testid="connection-banner"
        data-state={conn.state}
        data-reason={conn.reason}
        layout="multiline"
      >
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
