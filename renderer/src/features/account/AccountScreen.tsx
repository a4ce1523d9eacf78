/**
 * Sign in / out: the cloud (Azure, US Government, China, Local sandbox), the signed-in account, sign-in with
 * cancel, sign-out, and how the saved sign-in is protected.
 * data-testid: account-screen, account-cloud, account-cloud-option-<name>, account-status, account-signin,
 * account-cancel, account-signout, account-signin-link, account-error, account-protection; the Local sandbox
 * (start/stop, seeded users) in SandboxPanel.
 */
import { Body1, Button, Dropdown, Field, Link, Option, Spinner, Text, Title3 } from '@fluentui/react-components';
import { PersonRegular, SignOutRegular } from '@fluentui/react-icons';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../../api/client.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { useAppStore } from '../../store/index.ts';
import { ClientIdPanel } from './ClientIdPanel.tsx';
import { SandboxPanel } from './SandboxPanel.tsx';

export function AccountScreen() {
  const { auth, clouds, busy, error, url } = useAppStore(
    useShallow((s) => ({ auth: s.auth, clouds: s.clouds, busy: s.authBusy, error: s.authError, url: s.authSignInUrl })),
  );
  const { loadAuth, signIn, cancelSignIn, signOut, chooseCloud, setUrl } = useAppStore(
    useShallow((s) => ({ loadAuth: s.loadAuth, signIn: s.signIn, cancelSignIn: s.cancelSignIn, signOut: s.signOut, chooseCloud: s.chooseCloud, setUrl: s.setAuthSignInUrl })),
  );
  useEffect(() => {
    void loadAuth();
  }, [loadAuth]);
  useEffect(() => {
    if (busy !== 'signIn') return;
    return api.on('auth:signInUrl', ({ url: next }) => {
      setUrl(next);
      if (api.kind !== 'electron') window.open(next, '_blank', 'noopener');
    });
  }, [busy, setUrl]);

  const current = clouds.find((c) => c.name === auth?.cloud);
  return (
    <section data-testid="account-screen" style={{ display: 'grid', gap: 16, maxWidth: 720 }}>
      <Title3 as="h2">Sign in / out</Title3>
      <Field label="Cloud" hint="The Local sandbox is a complete local stand-in for Azure, for rehearsal and training; nothing leaves this machine.">
        <Dropdown
          data-testid="account-cloud"
          value={current ? `${current.displayName}${current.rehearsal ? ' (rehearsal)' : ''}` : (auth?.cloudDisplayName ?? '')}
          selectedOptions={auth ? [auth.cloud] : []}
          disabled={busy !== null || clouds.length === 0}
          onOptionSelect={(_, d) => d.optionValue && d.optionValue !== auth?.cloud && void chooseCloud(d.optionValue)}
        >
          {clouds.map((c) => (
            <Option key={c.name} value={c.name} data-testid={`account-cloud-option-${c.name}`}>
              {`${c.displayName}${c.rehearsal ? ' (rehearsal)' : ''}`}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <SandboxPanel />
      <Body1 data-testid="account-status" data-signed-in={auth?.signedIn ?? false}>
        {!auth
          ? 'Checking the sign-in…'
          : auth.signedIn && auth.account
            ? `Signed in to ${auth.cloudDisplayName} as ${auth.account.name ?? auth.account.username} (${auth.account.username}), tenant ${auth.account.tenantId}.`
            : auth.needsSignIn
              ? `Sign in again to ${auth.cloudDisplayName}: ${auth.needsSignIn}`
              : `Not signed in to ${auth.cloudDisplayName}.`}
      </Body1>
      {auth && !auth.clientIdConfigured && <ClientIdPanel cloudName={auth.cloudDisplayName} />}
      <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        <Button data-testid="account-signin" appearance="primary" icon={<PersonRegular />} disabled={busy !== null || !auth || (auth.signedIn && !auth.needsSignIn)} onClick={() => void signIn()}>
          {auth?.needsSignIn ? 'Sign in again' : 'Sign in'}
        </Button>
        {busy === 'signIn' && (
          <>
            <Spinner size="tiny" label="Waiting for the sign-in page…" />
            <Button data-testid="account-cancel" onClick={() => void cancelSignIn()}>
              Cancel sign-in
            </Button>
          </>
        )}
        <Button data-testid="account-signout" icon={<SignOutRegular />} disabled={busy !== null || !auth?.signedIn} onClick={() => void signOut()}>
          Sign out
        </Button>
      </div>
      {busy === 'signIn' && url && (
        <Text>
          If no sign-in window opened,{' '}
          <Link data-testid="account-signin-link" href={url} target="_blank" rel="noopener noreferrer">
            open the sign-in page
          </Link>
          .
        </Text>
      )}
      <ErrorBar error={error} title="Sign-in" testId="account-error" onRetry={() => void loadAuth()} />
      {auth && <Text size={200} data-testid="account-protection">{auth.protection}</Text>}
    </section>
  );
}
