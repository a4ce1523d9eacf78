/**
 * Recover Data, pages 1 and 2: where the backup is (staging folder, prepared disks or the blob container) and which
 * job, with its passphrase.
 * data-testid: rec-source, rec-source-staging, rec-source-disks, rec-source-blob, rec-staging, rec-staging-browse,
 *   rec-disks, rec-disk-<i>, rec-disk-remove-<i>, rec-disk-add, rec-disks-error, rec-subscription, rec-resource-group,
 *   rec-storage-account, rec-container, rec-jobs, rec-job-<name>, rec-job-name, rec-jobs-empty, rec-jobs-error,
 *   rec-jobs-refresh, rec-use-policy-passphrase, rec-passphrase, rec-unlock-error, rec-signin, rec-signin-button
 */
import {
  Button,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  Radio,
  RadioGroup,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, ArrowClockwiseRegular, DismissRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import type { FieldErrors, RecoverSource } from '../../../../shared/backup-wizard.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { formatBytes, formatCount, formatDateTime } from '../../components/format.ts';
import { pickFolder } from '../../components/pick-folder.ts';
import { useAppStore } from '../../store/index.ts';
import { SUPPORTED_RECOVER_SOURCES } from '../../store/slices/recover-data.ts';
import { SignInPanel } from '../../components/SignInPanel.tsx';
import { BrowseButton } from '../../components/BrowseButton.tsx';

const useStyles = makeStyles({
  // minmax(0, 1fr): a long error message wraps (the MessageBar goes multiline) instead of widening the page.
  page: { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: tokens.spacingVerticalM, maxWidth: '760px' },
  inline: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  grow: { flexGrow: 1, minWidth: '260px' },
});

const SOURCE_LABELS: Record<RecoverSource, string> = {
  staging: 'A staging location (the folder Back Up Now wrote)',
  disks: 'Prepared disks (the disks Disk Prep wrote, before shipping or after they came back)',
  blob: 'The storage account blob container (after the import job completed; needs sign-in)',
};

export function SourcePage({ errors }: { errors: FieldErrors }) {
  const styles = useStyles();
  const draft = useAppStore((s) => s.recoverData.draft);
  const update = useAppStore((s) => s.updateRecoverDraft);
  const loadDefaults = useAppStore((s) => s.loadRecoverDefaults);
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    void loadDefaults();
  }, [loadDefaults]);
  const disks = draft.disks ?? [];
  const stagingOptional = draft.source !== 'staging';
  // pickFolder never rejects (a failed native dialog opens the in-app browser): fire and forget from a click.
  const addDisk = async () => {
    setTouched(true);
    const p = await pickFolder({
      title: 'Choose a prepared disk (its drive root)',
      ...(disks.length ? { defaultPath: disks[disks.length - 1] } : {}),
    });
    if (p && !disks.includes(p)) update({ disks: [...disks, p] });
  };
  return (
    <div className={styles.page}>
      <Field label="Recover from" validationMessage={errors.source ?? null}>
        <RadioGroup
          data-testid="rec-source"
          value={draft.source}
          onChange={(_, d) => update({ source: d.value as RecoverSource })}
        >
          {(['staging', 'disks', 'blob'] as const).map((s) => (
            <Radio
              key={s}
              value={s}
              data-testid={`rec-source-${s}`}
              label={SOURCE_LABELS[s]}
              disabled={!SUPPORTED_RECOVER_SOURCES.includes(s)}
            />
          ))}
        </RadioGroup>
      </Field>
      {draft.source === 'disks' && (
        <Field
          label="Prepared disks"
          required
          validationMessage={(touched || disks.length ? errors.disks : undefined) ?? null}
          hint="The folder (drive root) of every disk of the job: each holds DriveManifest.xml and obc-bom.json."
        >
          <div data-testid="rec-disks" style={{ display: 'grid', gap: tokens.spacingVerticalXS }}>
            {disks.map((d, i) => (
              <div key={i} className={styles.inline}>
                <Input
                  className={styles.grow}
                  data-testid={`rec-disk-${i}`}
                  value={d}
                  onChange={(_, v) => update({ disks: disks.map((x, j) => (j === i ? v.value : x)) })}
                />
                <Button
                  data-testid={`rec-disk-remove-${i}`}
                  icon={<DismissRegular />}
                  aria-label={`Remove disk ${d}`}
                  onClick={() => update({ disks: disks.filter((_, j) => j !== i) })}
                />
              </div>
            ))}
            <div>
              <Button data-testid="rec-disk-add" icon={<AddRegular />} onClick={() => void addDisk()}>
                Add disk…
              </Button>
            </div>
          </div>
        </Field>
      )}
      {draft.source === 'blob' && (
        <div className={styles.inline}>
          <Field
            className={styles.grow}
            label="Subscription ID"
            required
            validationMessage={(draft.subscriptionId !== undefined ? errors.subscriptionId : undefined) ?? null}
          >
            <Input
              data-testid="rec-subscription"
              value={draft.subscriptionId ?? ''}
              onChange={(_, d) => update({ subscriptionId: d.value.trim() })}
            />
          </Field>
          <Field className={styles.grow} label="Resource group" hint="Looked up from the storage account when empty.">
            <Input
              data-testid="rec-resource-group"
              value={draft.resourceGroup ?? ''}
              onChange={(_, d) => update({ resourceGroup: d.value.trim() })}
            />
          </Field>
          <Field
            className={styles.grow}
            label="Storage account"
            required
            validationMessage={(draft.storageAccount !== undefined ? errors.storageAccount : undefined) ?? null}
          >
            <Input
              data-testid="rec-storage-account"
              value={draft.storageAccount ?? ''}
              onChange={(_, d) => update({ storageAccount: d.value.trim() })}
            />
          </Field>
          <Field
            className={styles.grow}
            label="Container"
            required
            validationMessage={(draft.container !== undefined ? errors.container : undefined) ?? null}
          >
            <Input
              data-testid="rec-container"
              value={draft.container ?? ''}
              onChange={(_, d) => update({ container: d.value.trim() })}
            />
          </Field>
        </div>
      )}
      <div className={styles.inline}>
        <Field
          className={styles.grow}
          label={stagingOptional ? 'Staging location (optional)' : 'Staging location'}
          required={!stagingOptional}
          hint={
            (stagingOptional
              ? 'If the staging folder is still reachable, seed.json and the job list are read from it.'
              : undefined) ?? null
          }
          validationMessage={(touched || draft.stagingLocation ? errors.stagingLocation : undefined) ?? null}
        >
          <Input
            data-testid="rec-staging"
            value={draft.stagingLocation}
            onChange={(_, d) => update({ stagingLocation: d.value })}
            onBlur={() => setTouched(true)}
          />
        </Field>
        <BrowseButton
          testId="rec-staging-browse"
          title="Choose the staging location"
          from={draft.stagingLocation}
          onPick={(p) => update({ stagingLocation: p })}
        />
      </div>
    </div>
  );
}

/** A SIGNIN_REQUIRED error from the container: the console's sign-in (SignInPanel), then the backup is opened and the wizard goes on. */
function SignInPrompt({ error }: { error: unknown }) {
  const unlock = useAppStore((s) => s.unlockRecoverJob);
  const go = useAppStore((s) => s.goRecoverStep);
  if ((error as { code?: string } | null)?.code !== 'SIGNIN_REQUIRED') return null;
  return (
    <MessageBarGroup>
      <MessageBar layout="multiline" intent="warning" data-testid="rec-signin">
        <MessageBarBody style={{ display: 'grid', gap: 8 }}>
          Reading the blob container needs an Azure sign-in. Sign in, then the backup is opened again.
          <SignInPanel
            prefix="rec-container"
            statusId={null}
            onSignedIn={() => void unlock().then((ok) => (ok ? go('browse') : undefined))}
          />
        </MessageBarBody>
      </MessageBar>
    </MessageBarGroup>
  );
}

export function JobPage({ errors }: { errors: FieldErrors }) {
  const styles = useStyles();
  const rec = useAppStore((s) => s.recoverData);
  const update = useAppStore((s) => s.updateRecoverDraft);
  const loadJobs = useAppStore((s) => s.loadRecoverJobs);
  const [touched, setTouched] = useState(false);
  const { draft, jobs } = rec;
  useEffect(() => {
    if (!jobs && !rec.jobsLoading && !rec.jobsError) void loadJobs();
  }, [jobs, rec.jobsLoading, rec.jobsError, loadJobs]);
  const describe = (j: NonNullable<typeof jobs>[number]) => {
    const parts = [j.state === 'complete' ? 'complete' : j.state === 'inProgress' ? 'not finished' : 'damaged'];
    if (j.completedAt) parts.push(`finished ${formatDateTime(j.completedAt)}`);
    else if (j.createdAt) parts.push(`started ${formatDateTime(j.createdAt)}`);
    if (j.totals) parts.push(`${formatCount(j.totals.files)} files, ${formatBytes(j.totals.bytes)}`);
    if (j.retainUntil) parts.push(`kept until ${j.retainUntil}`);
    if (j.problem) parts.push(j.problem);
    return parts.join(' · ');
  };
  return (
    <div className={styles.page}>
      {draft.stagingLocation && <Text>Backups found in {draft.stagingLocation}:</Text>}
      {rec.jobsLoading && <Spinner size="tiny" label="Reading the staging location…" />}
      <ErrorBar
        error={rec.jobsError}
        testId="rec-jobs-error"
        title="Could not read the staging location"
        onRetry={() => void loadJobs()}
      />
      {jobs && jobs.length === 0 && draft.stagingLocation && (
        <Text data-testid="rec-jobs-empty">No backup jobs were found in this staging location.</Text>
      )}
      {draft.source !== 'staging' && (
        <Field
          label="Job name"
          required
          validationMessage={(draft.jobName ? errors.jobName : undefined) ?? null}
          hint="The import job the disks or the container belong to."
        >
          <Input
            data-testid="rec-job-name"
            value={draft.jobName}
            onChange={(_, d) => update({ jobName: d.value.trim() })}
          />
        </Field>
      )}
      {jobs && jobs.length > 0 && (
        <Field label="Backup job" required validationMessage={(draft.jobName ? errors.jobName : undefined) ?? null}>
          <RadioGroup data-testid="rec-jobs" value={draft.jobName} onChange={(_, d) => update({ jobName: d.value })}>
            {jobs.map((j) => (
              <Radio
                key={j.jobName}
                value={j.jobName}
                data-testid={`rec-job-${j.jobName}`}
                data-state={j.state}
                label={`${j.jobName} — ${describe(j)}`}
              />
            ))}
          </RadioGroup>
        </Field>
      )}
      {draft.stagingLocation && (
        <div>
          <Button
            size="small"
            appearance="subtle"
            icon={<ArrowClockwiseRegular />}
            data-testid="rec-jobs-refresh"
            onClick={() => void loadJobs()}
          >
            Look again
          </Button>
        </div>
      )}
      {rec.policy?.passphraseSet && (
        <Checkbox
          data-testid="rec-use-policy-passphrase"
          label="Use the passphrase saved with the backup policy on this machine"
          checked={!!draft.usePolicyPassphrase}
          onChange={(_, d) => update({ usePolicyPassphrase: !!d.checked })}
        />
      )}
      {!(draft.usePolicyPassphrase && rec.policy?.passphraseSet) && (
        <Field
          label="Passphrase"
          required
          validationMessage={(touched ? errors.passphrase : undefined) ?? null}
          hint={(touched && errors.passphrase ? undefined : 'The passphrase the backup was made with.') ?? null}
        >
          <Input
            data-testid="rec-passphrase"
            type="password"
            autoComplete="off"
            value={draft.passphrase}
            onChange={(_, d) => update({ passphrase: d.value })}
            onBlur={() => setTouched(true)}
          />
        </Field>
      )}
      <SignInPrompt error={rec.unlockError} />
      {/* A needed sign-in is the prompt above, not an error. */}
      <ErrorBar
        error={(rec.unlockError as { code?: string } | null)?.code === 'SIGNIN_REQUIRED' ? null : rec.unlockError}
        testId="rec-unlock-error"
        title="The backup could not be opened"
      />
    </div>
  );
}
