/**
 * The one sign-in control of the console, over the one sign-in state (store/slices/sign-in.ts): the account line, Sign
 * in (again), Cancel while the sign-in page is open, the page's link if no window opened, and what went wrong.
 * Used by Sign in / out, Schedule Backup and Prepare Disks.
 * data-testid (prefix p): <statusId | p-signin-status> (data-signed-in), p-signin, p-signin-cancel, p-signin-link,
 * p-signin-error
 */
import { Button, Link, Spinner, Text } from '@fluentui/react-components';
import { PersonRegular } from '@fluentui/react-icons';
import { useEffect, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AuthStatus } from '../../../shared/contract/azure.ts';
import { useAppStore } from '../store/index.ts';
import { ErrorBar } from './ErrorBar.tsx';

/** The account line in words: signed in as …, sign in again (why), or not signed in. */
export function authLine(auth: AuthStatus | null): string {
  if (!auth) return 'Checking the sign-in…';
  if (auth.signedIn && auth.account) return `Signed in to ${auth.cloudDisplayName} as ${auth.account.username}.`;
  if (auth.needsSignIn) return `Sign in again to ${auth.cloudDisplayName}: ${auth.needsSignIn}`;
  return `Not signed in to ${auth.cloudDisplayName}.`;
}

export interface SignInPanelProps {
  /** Test id prefix of the controls (`<prefix>-signin`, …). */
  prefix: string;
  /** Test id of the status line (default `<prefix>-signin-status`); null hides the line. */
  statusId?: string | null;
  /** The status line's words (default authLine). */
  statusText?: (auth: AuthStatus | null) => string;
  /** Called with the new status once a sign-in started here succeeded. */
  onSignedIn?: (auth: AuthStatus) => void;
  /** Offer "Sign in with another account" while signed in. */
  allowAnother?: boolean;
  /** More buttons on the Sign in row (e.g. "Prepare the disks now, sign in later"). */
  children?: ReactNode;
}

export function SignInPanel({
  prefix,
  statusId,
  statusText = authLine,
  onSignedIn,
  allowAnother,
  children,
}: SignInPanelProps) {
  const { auth, busy, error, url } = useAppStore(
    useShallow((s) => ({ auth: s.auth, busy: s.authBusy, error: s.authError, url: s.authSignInUrl })),
  );
  const { signIn, cancelSignIn, loadAuth } = useAppStore(
    useShallow((s) => ({ signIn: s.signIn, cancelSignIn: s.cancelSignIn, loadAuth: s.loadAuth })),
  );
  // Shown before the status is known (e.g. a wizard opened right after start): ask for it once.
  useEffect(() => {
    if (!auth) void loadAuth();
  }, [auth, loadAuth]);
  const signedIn = !!auth?.signedIn && !auth.needsSignIn;
  const start = () =>
    void signIn().then((st) => {
      if (st?.signedIn) onSignedIn?.(st);
    });
  const status = statusId === undefined ? `${prefix}-signin-status` : statusId;
  return (
    <div style={{ display: 'grid', gap: 8, gridTemplateColumns: 'minmax(0, 1fr)' }}>
      {status && (
        <Text data-testid={status} data-signed-in={auth?.signedIn ?? false}>
          {statusText(auth)}
        </Text>
      )}
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <Button
          data-testid={`${prefix}-signin`}
          appearance={signedIn ? 'secondary' : 'primary'}
          icon={<PersonRegular />}
          disabled={busy !== null || (signedIn && !allowAnother)}
          onClick={start}
        >
          {busy === 'signIn'
            ? 'Waiting for sign-in…'
            : auth?.needsSignIn
              ? 'Sign in again'
              : signedIn
                ? 'Sign in with another account'
                : 'Sign in'}
        </Button>
        {busy === 'signIn' && (
          <>
            <Spinner size="tiny" label="Waiting for the sign-in page…" />
            <Button data-testid={`${prefix}-signin-cancel`} onClick={() => void cancelSignIn()}>
              Cancel sign-in
            </Button>
          </>
        )}
        {children}
      </div>
      {busy === 'signIn' && url && (
        <Text size={200}>
          If no sign-in window opened,{' '}
          <Link data-testid={`${prefix}-signin-link`} href={url} target="_blank" rel="noopener noreferrer">
            open the sign-in page
          </Link>
          .
        </Text>
      )}
      <ErrorBar
        error={error}
        title="Sign-in did not complete"
        testId={`${prefix}-signin-error`}
        onRetry={busy === null ? start : undefined}
      />
    </div>
  );
}
