/**
 * Rehearsal on the Sign in / out screen: start (or stop) the Local sandbox from inside the console, and show its
 * seeded users — public rehearsal credentials, to type on the sandbox's login page.
 * data-testid: sandbox-panel (data-running), sandbox-status, sandbox-start, sandbox-stop, sandbox-use, sandbox-users,
 * sandbox-user-<n>, sandbox-error
 */
import {
  Badge,
  Button,
  Card,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { useAppStore } from '../../store/index.ts';

export function SandboxPanel() {
  const { sandbox, busy, error, cloud } = useAppStore(
    useShallow((s) => ({ sandbox: s.sandbox, busy: s.sandboxBusy, error: s.sandboxError, cloud: s.auth?.cloud })),
  );
  const { load, start, stop, chooseCloud } = useAppStore(
    useShallow((s) => ({
      load: s.loadSandbox,
      start: s.startSandbox,
      stop: s.stopSandbox,
      chooseCloud: s.chooseCloud,
    })),
  );
  useEffect(() => {
    void load();
  }, [load]);
  const running = sandbox?.running ?? false;
  const chosen = cloud === (sandbox?.cloudName ?? 'LocalSandbox');
  return (
    <Card data-testid="sandbox-panel" data-running={running} role="region" aria-labelledby="sandbox-panel-title">
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <Text as="h3" id="sandbox-panel-title" weight="semibold" style={{ margin: 0 }}>
          Rehearsal: the Local sandbox
        </Text>
        <Badge appearance="tint" color="warning">
          Rehearsal only
        </Badge>
      </div>
      <Text data-testid="sandbox-status">
        {!sandbox
          ? 'Checking the Local sandbox…'
          : running
            ? `The Local sandbox is running on this machine (data in ${sandbox.dataDir}). Nothing here reaches Azure.`
            : 'The Local sandbox is not running in this console. Start it to rehearse the whole workflow — sign-in, import jobs and a simulated datacenter — without an Azure subscription. Nothing leaves this machine. (One started separately with `npm run obc -- sandbox` works too; then leave this one stopped.)'}
      </Text>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        {!running && (
          <Button
            data-testid="sandbox-start"
            appearance={chosen ? 'primary' : 'secondary'}
            disabled={busy !== null || !sandbox}
            onClick={() => void start()}
          >
            Start the Local sandbox
          </Button>
        )}
        {running && !chosen && (
          <Button
            data-testid="sandbox-use"
            disabled={busy !== null}
            onClick={() => void chooseCloud(sandbox?.cloudName ?? 'LocalSandbox')}
          >
            Use the Local sandbox cloud
          </Button>
        )}
        {running && (
          <Button data-testid="sandbox-stop" disabled={busy !== null} onClick={() => void stop()}>
            Stop the Local sandbox
          </Button>
        )}
        {busy === 'start' && (
          <Spinner size="tiny" label="Starting the Local sandbox (identity server, Resource Manager, storage)…" />
        )}
        {busy === 'stop' && <Spinner size="tiny" label="Stopping…" />}
      </div>
      {running && sandbox && sandbox.users.length > 0 && (
        <>
          <Text>
            On the sandbox's sign-in page, use one of these rehearsal accounts (they exist only in the sandbox):
          </Text>
          <Table size="small" aria-label="Local sandbox users" data-testid="sandbox-users">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>User name</TableHeaderCell>
                <TableHeaderCell>Password</TableHeaderCell>
                <TableHeaderCell>Role</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {sandbox.users.map((u, i) => (
                <TableRow key={u.username} data-testid={`sandbox-user-${i}`}>
                  <TableCell>
                    <code>{u.username}</code>
                  </TableCell>
                  <TableCell>
                    <code>{u.password}</code>
                  </TableCell>
                  <TableCell>
                    {u.role === 'Owner' ? 'Owner (can do everything)' : `${u.role} (read only: changes are refused)`}
                    {u.needsConsent ? ' · asks for consent on first sign-in' : ''}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
      <ErrorBar error={error} title="Local sandbox" testId="sandbox-error" onRetry={() => void load()} />
    </Card>
  );
}
