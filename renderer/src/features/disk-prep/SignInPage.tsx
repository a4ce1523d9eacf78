/**
 * Step 3: sign in to Azure (or the Local sandbox) if needed. The job is created at the end, so the copy may also
 * start now and the sign-in happen later.
 * data-testid: dp-auth-status, dp-signin, dp-signin-cancel, dp-signin-link, dp-skip-signin
 */
import { Button, Link, MessageBar, MessageBarBody, MessageBarGroup, Spinner, Text } from '@fluentui/react-components';
import { PersonRegular } from '@fluentui/react-icons';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../../api/client.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { useAppStore } from '../../store/index.ts';

/** While a sign-in runs: the page the host asks us to open (browser mode opens it in a new window). */
export function useSignInUrl(active: boolean, onUrl: (url: string | null) => void) {
  useEffect(() => {
    if (!active) return;
    return api.on('auth:signInUrl', ({ url }) => {
      onUrl(url);
      if (api.kind !== 'electron') window.open(url, '_blank', 'noopener');
    });
  }, [active, onUrl]);
}

export function AuthLine() {
  const auth = useAppStore((s) => s.dp.auth);
  if (!auth) return null;
  return (
    <Text data-testid="dp-auth-status" data-signed-in={auth.signedIn}>
      {auth.signedIn && auth.account
        ? `Signed in to ${auth.cloudDisplayName} as ${auth.account.username}.`
        : auth.needsSignIn
          ? `Sign in again to ${auth.cloudDisplayName}: ${auth.needsSignIn}`
          : `Not signed in to ${auth.cloudDisplayName}.`}
    </Text>
  );
}

export function SignInPage() {
  const { auth, authError, signingIn, signInUrl } = useAppStore(
    useShallow((s) => ({ auth: s.dp.auth, authError: s.dp.authError, signingIn: s.dp.signingIn, signInUrl: s.dp.signInUrl })),
  );
  const check = useAppStore((s) => s.checkDpAuth);
  const signIn = useAppStore((s) => s.signInDp);
  const cancel = useAppStore((s) => s.cancelSignInDp);
  const setUrl = useAppStore((s) => s.setDpSignInUrl);
  const start = useAppStore((s) => s.startCopy);
  useSignInUrl(signingIn, setUrl);
  useEffect(() => {
    if (!auth) void check();
  }, [auth, check]);
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 16, maxWidth: 760 }}>
      <Text>The import job is created in your Azure subscription once the disks are ready. Sign in now so nothing stops at the end.</Text>
      <AuthLine />
      <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        <Button data-testid="dp-signin" appearance="primary" icon={<PersonRegular />} disabled={signingIn || auth?.signedIn} onClick={() => void signIn()}>
          {auth?.needsSignIn ? 'Sign in again' : 'Sign in'}
        </Button>
        {signingIn && (
          <>
            <Spinner size="tiny" label="Waiting for the sign-in page…" />
            <Button data-testid="dp-signin-cancel" onClick={() => void cancel()}>
              Cancel sign-in
            </Button>
          </>
        )}
        {!auth?.signedIn && (
          <Button data-testid="dp-skip-signin" appearance="subtle" disabled={signingIn} onClick={() => void start()}>
            Prepare the disks now, sign in later
          </Button>
        )}
      </div>
      {signingIn && signInUrl && (
        <MessageBarGroup>
          <MessageBar intent="info">
            <MessageBarBody>
              If no sign-in window opened,{' '}
              <Link data-testid="dp-signin-link" href={signInUrl} target="_blank" rel="noopener">
                open the sign-in page
              </Link>
              .
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      <ErrorBar error={authError} title="Sign-in did not complete" onRetry={() => void signIn()} testId="dp-signin-error" />
    </div>
  );
}
