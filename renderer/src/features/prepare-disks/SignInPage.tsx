/**
 * Step 3: sign in to Azure (or the Local sandbox) if needed, through the console's one sign-in (SignInPanel). The
 * job is created at the end, so the copy may also start now and the sign-in happen later.
 * data-testid: dp-auth-status, dp-signin, dp-signin-cancel, dp-signin-link, dp-signin-error, dp-skip-signin
 */
import { Button, Text } from '@fluentui/react-components';
import { useEffect } from 'react';
import { SignInPanel } from '../../components/SignInPanel.tsx';
import { useAppStore } from '../../store/index.ts';

export function SignInPage() {
  const auth = useAppStore((s) => s.auth);
  const busy = useAppStore((s) => s.authBusy);
  const loadAuth = useAppStore((s) => s.loadAuth);
  const start = useAppStore((s) => s.startCopy);
  useEffect(() => {
    void loadAuth();
  }, [loadAuth]);
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 16, maxWidth: 760 }}>
      <Text>
        The import job is created in your Azure subscription once the disks are ready. Sign in now so nothing stops at
        the end.
      </Text>
      <SignInPanel prefix="dp" statusId="dp-auth-status">
        {!auth?.signedIn && (
          <Button
            data-testid="dp-skip-signin"
            appearance="subtle"
            disabled={busy === 'signIn'}
            onClick={() => void start()}
          >
            Prepare the disks now, sign in later
          </Button>
        )}
      </SignInPanel>
    </div>
  );
}
