/**
 * Recover Data, pages 1 and 2: where the backup is (a staging folder in this build) and which job, with its passphrase.
 * data-testid: rec-source, rec-source-staging, rec-source-disks, rec-source-blob, rec-source-note, rec-staging,
 *   rec-staging-browse, rec-jobs, rec-job-<name>, rec-jobs-empty, rec-jobs-error, rec-jobs-refresh, rec-passphrase,
 *   rec-unlock-error
 */
import {
  Button, Field, Input, MessageBar, MessageBarBody, MessageBarGroup, Radio, RadioGroup, Spinner, Text, makeStyles, tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, FolderOpenRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import type { FieldErrors, RecoverSource } from '../../../../shared/backup-wizard.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { formatBytes, formatCount, formatTime } from '../../components/format.ts';
import { pickFolder } from '../../components/pick-folder.ts';
import { useAppStore } from '../../store/index.ts';
import { SUPPORTED_RECOVER_SOURCES } from '../../store/slices/recover.ts';

const useStyles = makeStyles({
  page: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '760px' },
  inline: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  grow: { flexGrow: 1, minWidth: '260px' },
});

const SOURCE_LABELS: Record<RecoverSource, string> = {
  staging: 'A staging location (the folder Back Up Now wrote)',
  disks: 'Prepared disks',
  blob: 'The storage account blob container',
};

export function SourcePage({ errors }: { errors: FieldErrors }) {
  const styles = useStyles();
  const draft = useAppStore((s) => s.rec.draft);
  // The policy's staging location if Back Up Now read one, else the last one used.
  const lastStaging = useAppStore((s) => s.bun.policy?.staging || s.settings?.lastStagingLocation);
  const update = useAppStore((s) => s.updateRecoverDraft);
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!draft.staging && lastStaging) update({ staging: lastStaging });
  }, [draft.staging, lastStaging, update]);
  const unsupported = (['disks', 'blob'] as const).filter((s) => !SUPPORTED_RECOVER_SOURCES.includes(s));
  return (
    <div className={styles.page}>
      <Field label="Recover from">
        <RadioGroup data-testid="rec-source" value={draft.source} onChange={(_, d) => update({ source: d.value as RecoverSource })}>
          {(['staging', 'disks', 'blob'] as const).map((s) => (
            <Radio key={s} value={s} data-testid={`rec-source-${s}`} label={SOURCE_LABELS[s]} disabled={!SUPPORTED_RECOVER_SOURCES.includes(s)} />
          ))}
        </RadioGroup>
      </Field>
      {unsupported.length > 0 && (
        <MessageBarGroup>
          <MessageBar layout="multiline" intent="info" data-testid="rec-source-note">
            <MessageBarBody>
              Recovering from prepared disks or from the blob container is not available in this build: it reads a staging folder only.
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      <div className={styles.inline}>
        <Field className={styles.grow} label="Staging location" required validationMessage={touched || draft.staging ? errors.staging : undefined}>
          <Input data-testid="rec-staging" value={draft.staging} onChange={(_, d) => update({ staging: d.value })} onBlur={() => setTouched(true)} />
        </Field>
        <Button
          data-testid="rec-staging-browse"
          icon={<FolderOpenRegular />}
          onClick={async () => {
            const p = await pickFolder({ title: 'Choose the staging location', ...(draft.staging ? { defaultPath: draft.staging } : {}) });
            if (p) update({ staging: p });
          }}
        >
          Browse…
        </Button>
      </div>
    </div>
  );
}

export function JobPage({ errors }: { errors: FieldErrors }) {
  const styles = useStyles();
  const rec = useAppStore((s) => s.rec);
  const update = useAppStore((s) => s.updateRecoverDraft);
  const loadJobs = useAppStore((s) => s.loadRecoverJobs);
  const [touched, setTouched] = useState(false);
  const { draft, jobs } = rec;
  useEffect(() => {
    if (!jobs && !rec.jobsLoading && !rec.jobsError) void loadJobs();
  }, [jobs, rec.jobsLoading, rec.jobsError, loadJobs]);
  const describe = (j: NonNullable<typeof jobs>[number]) => {
    const parts = [j.state === 'complete' ? 'complete' : j.state === 'inProgress' ? 'not finished' : 'damaged'];
    if (j.completedAt) parts.push(`finished ${formatTime(j.completedAt)}`);
    else if (j.createdAt) parts.push(`started ${formatTime(j.createdAt)}`);
    if (j.totals) parts.push(`${formatCount(j.totals.files)} files, ${formatBytes(j.totals.bytes)}`);
    if (j.problem) parts.push(j.problem);
    return parts.join(' · ');
  };
  return (
    <div className={styles.page}>
      <Text>Backups found in {draft.staging}:</Text>
      {rec.jobsLoading && <Spinner size="tiny" label="Reading the staging location…" />}
      <ErrorBar error={rec.jobsError} testId="rec-jobs-error" title="Could not read the staging location" onRetry={() => void loadJobs()} />
      {jobs && jobs.length === 0 && <Text data-testid="rec-jobs-empty">No backup jobs were found in this staging location.</Text>}
      {jobs && jobs.length > 0 && (
        <Field label="Backup job" required validationMessage={draft.jobName ? errors.jobName : undefined}>
          <RadioGroup data-testid="rec-jobs" value={draft.jobName} onChange={(_, d) => update({ jobName: d.value })}>
            {jobs.map((j) => (
              <Radio key={j.jobName} value={j.jobName} data-testid={`rec-job-${j.jobName}`} data-state={j.state} label={`${j.jobName} — ${describe(j)}`} />
            ))}
          </RadioGroup>
        </Field>
      )}
      <div>
        <Button size="small" appearance="subtle" icon={<ArrowClockwiseRegular />} data-testid="rec-jobs-refresh" onClick={() => void loadJobs()}>
          Look again
        </Button>
      </div>
      <Field label="Passphrase" required validationMessage={touched ? errors.passphrase : undefined} hint={touched && errors.passphrase ? undefined : 'The passphrase the backup was made with.'}>
        <Input
          data-testid="rec-passphrase"
          type="password"
          autoComplete="off"
          value={draft.passphrase}
          onChange={(_, d) => update({ passphrase: d.value })}
          onBlur={() => setTouched(true)}
        />
      </Field>
      <ErrorBar error={rec.unlockError} testId="rec-unlock-error" title="The backup could not be opened" />
    </div>
  );
}
