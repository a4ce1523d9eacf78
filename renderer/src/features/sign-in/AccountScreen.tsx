/**
 * Sign in / out: the cloud (Azure, US Government, China, Local sandbox), the signed-in account, sign-in with
 * cancel, sign-out, and how the saved sign-in is protected.
 * data-testid: account-screen, account-cloud, account-cloud-option-<name>, account-status, account-signin,
 * account-signin-cancel, account-signout, account-signin-link, account-signin-error (SignInPanel), account-protection; the Local sandbox
 * (start/stop, seeded users) in SandboxPanel.
 */
import { Button, Dropdown, Field, Option, Text, Title3 } from '@fluentui/react-components';
import { SignOutRegular } from '@fluentui/react-icons';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AuthStatus } from '../../../../shared/contract/azure.ts';
import { SignInPanel } from '../../components/SignInPanel.tsx';
import { useAppStore } from '../../store/index.ts';
import { ClientIdPanel } from './ClientIdPanel.tsx';
import { SandboxPanel } from './SandboxPanel.tsx';

export function AccountScreen() {
  const { auth, clouds, busy } = useAppStore(useShallow((s) => ({ auth: s.auth, clouds: s.clouds, busy: s.authBusy })));
  const { loadAuth, signOut, chooseCloud } = useAppStore(
    useShallow((s) => ({ loadAuth: s.loadAuth, signOut: s.signOut, chooseCloud: s.chooseCloud })),
  );
  useEffect(() => {
    void loadAuth();
  }, [loadAuth]);

  const current = clouds.find((c) => c.name === auth?.cloud);
  return (
    <section data-testid="account-screen" style={{ display: 'grid', gap: 16, maxWidth: 720 }}>
      <Title3 as="h2">Sign in / out</Title3>
      <Field
        label="Cloud"
        hint="The Local sandbox is a complete local stand-in for Azure, for rehearsal and training; nothing leaves this machine."
      >
        <Dropdown
          data-testid="account-cloud"
          value={
            current
              ? `${current.displayName}${current.rehearsal ? ' (rehearsal)' : ''}`
              : (auth?.cloudDisplayName ?? '')
          }
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
      {auth && !auth.clientIdConfigured && <ClientIdPanel cloudName={auth.cloudDisplayName} />}
      <SignInPanel prefix="account" statusId="account-status" statusText={accountLine}>
        <Button
          data-testid="account-signout"
          icon={<SignOutRegular />}
          disabled={busy !== null || !auth?.signedIn}
          onClick={() => void signOut()}
        >
          Sign out
        </Button>
      </SignInPanel>
      {auth && (
        <Text size={200} data-testid="account-protection">
          {auth.protection}
        </Text>
      )}
    </section>
  );
}

/** The Sign in / out screen says who, where and which tenant. */
const accountLine = (auth: AuthStatus | null): string =>
  !auth
    ? 'Checking the sign-in…'
    : auth.signedIn && auth.account
      ? `Signed in to ${auth.cloudDisplayName} as ${auth.account.name ?? auth.account.username} (${auth.account.username}), tenant ${auth.account.tenantId}.`
      : auth.needsSignIn
        ? `Sign in again to ${auth.cloudDisplayName}: ${auth.needsSignIn}`
        : `Not signed in to ${auth.cloudDisplayName}.`;
