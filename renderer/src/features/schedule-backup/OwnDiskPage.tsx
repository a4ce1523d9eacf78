/**
 * Page 6: Use your own disk (SPEC §2.4). Inline validation from shared validators; once signed in, subscription and
 * storage account pickers fed from Azure (accounts that cannot hold page blobs are disabled with the reason) and the job
 * name checked against existing jobs. The staging location is checked for existence, write access and free space.
 * data-testid: sb-staging, sb-staging-browse, sb-staging-check, sb-staging-result, sb-staging-error, sb-subscription,
 *   sb-subscription-error, sb-account, sb-account-error, sb-account-rg, sb-container, sb-container-note, sb-job-name,
 *   sb-job-rg, sb-job-type, sb-job-type-<DataBox|ImportExport>, sb-azure-signin, sb-azure-error, sb-reminder,
 *   sb-copy-reminder, sb-copy-result
 */
import {
  Button,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  Option,
  Radio,
  RadioGroup,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { JobBackendName } from '../../../../shared/contract/azure.ts';
import { JOB_TYPE_CHOICES } from '../../../../shared/import-jobs.ts';
import { checkStagingLocation, jobBackendOfPolicy, type OwnDiskField } from '../../../../shared/policy.ts';
import { usePathWords } from '../../components/paths.ts';
import { useAppStore } from '../../store/index.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { fieldState, usePageErrors } from './use-wizard.tsx';
import { BrowseButton } from '../../components/BrowseButton.tsx';

const useStyles = makeStyles({
  page: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '760px', gridTemplateColumns: 'minmax(0, 1fr)' },
  inline: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-start', flexWrap: 'wrap' },
  grow: { flexGrow: 1, minWidth: '280px' },
});

export function OwnDiskPage() {
  const styles = useStyles();
  const sb = useAppStore(
    useShallow((s) => ({
      own: s.scheduleBackup.data.ownDisk,
      check: s.scheduleBackup.data.stagingCheck,
      checking: s.scheduleBackup.checkingStaging,
      auth: s.auth,
      subs: s.scheduleBackup.subscriptions,
      accounts: s.scheduleBackup.storageAccounts,
      containers: s.scheduleBackup.containers,
      azureError: s.scheduleBackup.azureError,
      azureBusy: s.scheduleBackup.azureBusy,
      rgCheck: s.scheduleBackup.jobResourceGroupCheck,
      signInData: s.scheduleBackup.data.signIn,
    })),
  );
  const update = useAppStore((s) => s.updateWizardData);
  const touch = useAppStore((s) => s.touchField);
  const checkStaging = useAppStore((s) => s.checkStagingLocation);
  const signIn = useAppStore((s) => s.signInAzure);
  const authBusy = useAppStore((s) => s.authBusy);
  const authError = useAppStore((s) => s.authError);
  const selectSub = useAppStore((s) => s.selectSubscription);
  const selectAccount = useAppStore((s) => s.selectStorageAccount);
  const checkRg = useAppStore((s) => s.checkJobResourceGroup);
  const { show } = usePageErrors('ownDisk');
  const paths = usePathWords();
  const [copied, setCopied] = useState<string | null>(null);
  const { own, check } = sb;
  const signedInNow = !!sb.auth?.signedIn;
  const checkRgNow = checkRg;
  // Coming back to this page (or modifying a saved policy): check the staging location again without being asked.
  const entered = useRef(false);
  useEffect(() => {
    if (entered.current) return;
    entered.current = true;
    if (signedInNow) void checkRgNow();
    const p = own.stagingLocation.trim();
    if (!checkStagingLocation(p) && (!check || check.path !== p)) {
      touch('stagingLocation');
      void checkStaging();
    }
  }, [signedInNow, checkRgNow, own.stagingLocation, check, touch, checkStaging]);
  const signedIn = !!sb.auth?.signedIn;
  const set = (f: OwnDiskField, v: string) => update({ ownDisk: { ...own, [f]: v } });
  const text = (f: OwnDiskField, label: string, id: string, hint?: string) => (
    <Field label={label} required {...(show(f) ? fieldState(show(f), id) : hint ? { hint } : {})}>
      <Input data-testid={id} value={own[f]} onChange={(_, d) => set(f, d.value)} onBlur={() => touch(f)} />
    </Field>
  );
  const stagingMsg = show('stagingLocation');
  const stagingOk = check && check.ok && check.path === own.stagingLocation.trim();
  const containerExists = sb.containers.some((c) => c.name === own.container.trim());
  const backend = jobBackendOfPolicy(own);
  // Another job type needs its own resource provider: the sign-in page checks it again.
  const setBackend = (b: JobBackendName) =>
    update({ ownDisk: { ...own, jobBackend: b }, signIn: { ...sb.signInData, providerRegistered: false } });
  const reminder = `Staging location: ${own.stagingLocation.trim()}\nAzure Import Job Name: ${own.importJobName.trim()}`;

  // Never rejects: a failed copy says so next to the button. Fired and forgotten from a click.
  const copyReminder = async () => {
    try {
      await navigator.clipboard.writeText(reminder);
      setCopied('Copied to the clipboard.');
    } catch (err) {
      setCopied(`Could not copy (${(err as Error).message}); write them down.`);
    }
  };
  return (
    <div className={styles.page} data-testid="sb-own-disk-page">
      <Text as="h3" size={500} weight="semibold">
        Use your own disk
      </Text>
      <div className={styles.inline}>
        <Field
          className={styles.grow}
          label={`Staging Location (a local folder or ${paths.shareWords})`}
          required
          {...(stagingMsg
            ? fieldState(stagingMsg, 'sb-staging')
            : stagingOk
              ? {
                  validationState: 'success' as const,
                  validationMessage: <span data-testid="sb-staging-result">{check.message}</span>,
                }
              : {})}
        >
          <Input
            data-testid="sb-staging"
            value={own.stagingLocation}
            onChange={(_, d) => set('stagingLocation', d.value)}
            onBlur={() => {
              touch('stagingLocation');
              if (!checkStagingLocation(own.stagingLocation) && check?.path !== own.stagingLocation.trim())
                void checkStaging();
            }}
          />
        </Field>
        <BrowseButton
          testId="sb-staging-browse"
          title="Choose the staging location"
          from={own.stagingLocation}
          style={{ marginTop: 24 }}
          onPick={(p) => {
            update({ ownDisk: { ...own, stagingLocation: p } });
            touch('stagingLocation');
            void checkStaging();
          }}
        />
        <Button
          data-testid="sb-staging-check"
          style={{ marginTop: 24 }}
          disabled={sb.checking || !own.stagingLocation.trim()}
          onClick={() => {
            touch('stagingLocation');
            void checkStaging();
          }}
        >
          {sb.checking ? 'Checking…' : 'Check'}
        </Button>
      </div>

      {!signedIn && (
        <div className={styles.inline}>
          <Text size={200} className={styles.grow}>
            Signed out: type the values below, or sign in to choose the subscription and storage account from lists.
          </Text>
          <Button data-testid="sb-azure-signin" disabled={authBusy === 'signIn'} onClick={() => void signIn()}>
            {authBusy === 'signIn' ? 'Waiting for sign-in…' : 'Sign in to Azure'}
          </Button>
        </div>
      )}
      {!signedIn && <ErrorBar error={authError} title="Sign-in did not complete" testId="sb-azure-signin-error" />}
      {sb.azureError && (
        <MessageBarGroup>
          <MessageBar layout="multiline" intent="warning" data-testid="sb-azure-error">
            <MessageBarBody>{sb.azureError}</MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}

      {signedIn && sb.subs.length > 0 ? (
        <Field label="Azure Subscription" required {...fieldState(show('subscriptionId'), 'sb-subscription')}>
          <Dropdown
            data-testid="sb-subscription"
            placeholder="Choose a subscription"
            value={sb.subs.find((x) => x.subscriptionId === own.subscriptionId)?.displayName ?? own.subscriptionId}
            selectedOptions={own.subscriptionId ? [own.subscriptionId] : []}
            onOptionSelect={(_, d) => d.optionValue && void selectSub(d.optionValue)}
            onBlur={() => touch('subscriptionId')}
          >
            {sb.subs.map((x) => (
              <Option key={x.subscriptionId} value={x.subscriptionId} text={x.displayName}>
                {`${x.displayName} (${x.subscriptionId})`}
              </Option>
            ))}
          </Dropdown>
        </Field>
      ) : (
        text('subscriptionId', 'Azure Subscription ID', 'sb-subscription')
      )}

      {signedIn && sb.accounts.length > 0 ? (
        <Field
          label="Azure Resource Manager Storage Account"
          required
          {...fieldState(show('storageAccount'), 'sb-account')}
        >
          <Dropdown
            data-testid="sb-account"
            placeholder="Choose a storage account"
            value={own.storageAccount}
            selectedOptions={own.storageAccount ? [own.storageAccount] : []}
            onOptionSelect={(_, d) => d.optionValue && void selectAccount(d.optionValue)}
            onBlur={() => touch('storageAccount')}
          >
            {sb.accounts.map((a) => (
              <Option key={a.id} value={a.name} text={a.name} disabled={!a.pageBlobEligible}>
                {a.pageBlobEligible
                  ? `${a.name} (${a.kind}, ${a.location})`
                  : `${a.name} — not usable: ${a.ineligibleReason ?? 'cannot hold page blobs'}`}
              </Option>
            ))}
          </Dropdown>
        </Field>
      ) : (
        text('storageAccount', 'Azure Resource Manager Storage Account', 'sb-account')
      )}
      {text('storageAccountResourceGroup', 'Resource group of the storage account', 'sb-account-rg')}
      {text(
        'container',
        'Azure Storage Container',
        'sb-container',
        signedIn && own.container.trim()
          ? containerExists
            ? 'This container exists and will be used.'
            : 'This container will be created when you finish the wizard.'
          : 'Created when you finish the wizard if it does not exist.',
      )}
      <Field
        label="Import job type"
        hint={
          backend === 'DataBox'
            ? 'Microsoft.DataBox customer-disk job, as the MARS agent creates since 2.0.9250; job names of 3 to 24 characters.'
            : 'Microsoft.ImportExport job: the older API, kept for existing jobs.'
        }
      >
        <RadioGroup
          data-testid="sb-job-type"
          layout="horizontal"
          value={backend}
          onChange={(_, d) => setBackend(d.value as JobBackendName)}
        >
          {[...JOB_TYPE_CHOICES].reverse().map((c) => (
            <Radio key={c.backend} data-testid={`sb-job-type-${c.backend}`} value={c.backend} label={c.label} />
          ))}
        </RadioGroup>
      </Field>
      {text(
        'importJobName',
        'Azure Import Job Name',
        'sb-job-name',
        `${backend === 'DataBox' ? '3 to 24' : '2 to 64'} lowercase letters, digits and hyphens; starts with a letter.${signedIn ? ' Checked against the import jobs in this subscription.' : ''}`,
      )}
      {(() => {
        // Signed in: the resource group is looked up in the subscription when it is left (not a page later, as a 404).
        const name = own.jobResourceGroup.trim();
        const c = sb.rgCheck && sb.rgCheck.name === name ? sb.rgCheck : null;
        const msg = show('jobResourceGroup') ?? (c?.state === 'missing' ? c.message : undefined);
        const hint =
          c?.state === 'checking'
            ? 'Checking the resource group…'
            : c && c.state !== 'missing'
              ? c.message
              : signedIn
                ? 'Checked in the subscription when you leave the field.'
                : undefined;
        return (
          <Field
            label="Resource group for the import job"
            required
            {...(msg
              ? fieldState(msg, 'sb-job-rg')
              : hint
                ? {
                    hint: (
                      <span data-testid="sb-job-rg-check" data-state={c?.state ?? 'none'}>
                        {hint}
                      </span>
                    ),
                  }
                : {})}
          >
            <Input
              data-testid="sb-job-rg"
              value={own.jobResourceGroup}
              onChange={(_, d) => set('jobResourceGroup', d.value)}
              onBlur={() => {
                touch('jobResourceGroup');
                void checkRg();
              }}
            />
          </Field>
        );
      })()}

      <MessageBarGroup>
        <MessageBar layout="multiline" intent="info" data-testid="sb-reminder">
          <MessageBarBody>
            Note the staging location and the import job name: Prepare Disks needs both.
            <div style={{ marginTop: 6, display: 'flex', gap: 8, alignItems: 'center' }}>
              <Button
                size="small"
                data-testid="sb-copy-reminder"
                disabled={!own.stagingLocation.trim() || !own.importJobName.trim()}
                onClick={() => void copyReminder()}
              >
                Copy staging location and job name
              </Button>
              {copied && <span data-testid="sb-copy-result">{copied}</span>}
            </div>
          </MessageBarBody>
        </MessageBar>
      </MessageBarGroup>
    </div>
  );
}
