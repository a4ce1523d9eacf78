/**
 * Page 7: Azure sign-in — MSAL interactive sign-in (auth:signIn), the job type's resource provider check with
 * one-click register, and the Entra application step with its result.
 * data-testid: sb-signin-status, sb-signin, sb-signin-cancel, sb-signin-link, sb-signin-error (SignInPanel), sb-provider-status,
 *   sb-provider-register, sb-entra-create, sb-entra-result, sb-azure-error
 */
import { Button, MessageBar, MessageBarBody, MessageBarGroup, Text } from '@fluentui/react-components';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { JOB_BACKEND_NAMESPACE } from '../../../../shared/contract/azure.ts';
import { jobBackendOfPolicy } from '../../../../shared/policy.ts';
import { useAppStore } from '../../store/index.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { SignInPanel } from '../../components/SignInPanel.tsx';
import { usePageErrors } from './use-wizard.tsx';

export function SignInPage() {
  const sb = useAppStore(
    useShallow((s) => ({
      signIn: s.scheduleBackup.data.signIn,
      busy: s.scheduleBackup.azureBusy,
      error: s.scheduleBackup.azureError,
      app: s.scheduleBackup.entraApp,
      own: s.scheduleBackup.data.ownDisk,
    })),
  );
  const sync = useAppStore((s) => s.syncWizardSignIn);
  const register = useAppStore((s) => s.registerProvider);
  const checkProvider = useAppStore((s) => s.checkProvider);
  const ensureApp = useAppStore((s) => s.ensureEntraApp);
  const { errors } = usePageErrors('signIn');
  const needsCheck = sb.signIn.signedIn && !sb.signIn.providerRegistered;
  useEffect(() => {
    if (needsCheck) void checkProvider();
  }, [needsCheck, checkProvider]);
  return (
    <div
      style={{ display: 'grid', gap: 12, maxWidth: 720, gridTemplateColumns: 'minmax(0, 1fr)' }}
      data-testid="sb-signin-page"
    >
      <Text as="h3" size={500} weight="semibold">
        Azure sign-in
      </Text>
      <Text>
        Signing in lets the console create the storage container, register the resource provider of the import job type
        and create the Microsoft Entra application (AzureOfflineBackup_&lt;your object id&gt;) that later checks the
        import job and reads the imported data.
      </Text>
      <SignInPanel
        prefix="sb"
        allowAnother
        statusText={(auth) =>
          auth?.signedIn && auth.account
            ? `Signed in as ${auth.account.username} (${auth.cloudDisplayName}).`
            : (errors.signIn ?? 'Sign in to Azure to continue.')
        }
        onSignedIn={() => sync()}
      />
      {sb.signIn.signedIn && (
        <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <Text data-testid="sb-provider-status" data-registered={sb.signIn.providerRegistered ? 'yes' : 'no'}>
            {sb.signIn.providerRegistered
              ? `${JOB_BACKEND_NAMESPACE[jobBackendOfPolicy(sb.own)]} is registered in subscription ${sb.own.subscriptionId}.`
              : (errors.provider ?? 'Checking the resource provider…')}
          </Text>
          {!sb.signIn.providerRegistered && (
            <>
              <Button
                data-testid="sb-provider-register"
                appearance="primary"
                disabled={sb.busy === 'provider'}
                onClick={() => void register()}
              >
                {sb.busy === 'provider' ? 'Registering…' : 'Register'}
              </Button>
              <Button data-testid="sb-provider-check" onClick={() => void checkProvider()}>
                Check again
              </Button>
            </>
          )}
        </div>
      )}
      {sb.signIn.signedIn && sb.signIn.providerRegistered && (
        <div style={{ display: 'grid', gap: 6 }}>
          <div>
            <Button data-testid="sb-entra-create" disabled={sb.busy === 'app'} onClick={() => void ensureApp()}>
              {sb.busy === 'app'
                ? 'Setting up the application…'
                : sb.app
                  ? 'Check the Entra application again'
                  : 'Set up the Entra application now'}
            </Button>
            <Text size={200}> (otherwise it is done when you finish the wizard)</Text>
          </div>
          {sb.app && (
            <MessageBarGroup>
              <MessageBar layout="multiline" intent="success" data-testid="sb-entra-result">
                <MessageBarBody>
                  {sb.app.displayName} (app id {sb.app.appId}){' '}
                  {sb.app.createdApplication ? 'was created' : 'already existed'};{' '}
                  {sb.app.addedCredential
                    ? "this machine's certificate was added"
                    : "this machine's certificate was already registered"}
                  {sb.app.roleAssignments.length
                    ? `; roles: ${sb.app.roleAssignments.map((r) => `${r.role}${r.created ? ' (granted)' : ''}`).join(', ')}`
                    : ''}
                  .{sb.app.notes.map((n) => ` ${n}`)}
                </MessageBarBody>
              </MessageBar>
            </MessageBarGroup>
          )}
        </div>
      )}
      <ErrorBar error={sb.error} title="Azure" testId="sb-azure-error" />
    </div>
  );
}
