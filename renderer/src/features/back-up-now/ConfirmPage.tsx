/**
 * Back Up Now, page 4: Confirmation — what is backed up where, the size estimate against the staging volume's free
 * space, the replace question for a completed job, and the Back Up button. Once the seed is imported: the online
 * restore point's summary (OnlineParts) instead.
 * data-testid: bun-summary, bun-summary-items, bun-summary-staging, bun-summary-job, bun-summary-retain,
 *   bun-estimate, bun-estimate-fits, bun-estimate-refresh, bun-estimate-error, bun-existing-note, bun-overwrite,
 *   bun-start, bun-start-error
 */
import {
  Button,
  Checkbox,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  MessageBarTitle,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, PlayRegular } from '@fluentui/react-icons';
import { useEffect } from 'react';
import type { FieldErrors } from '../../../../shared/backup-wizard.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { formatBytes, formatCount, formatDateTime } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { backUpNowTarget } from '../../store/slices/back-up-now-target.ts';
import { ExclusionsRow, OnlineConfirm, RetainUntilRow, TargetNote } from './OnlineParts.tsx';
import { summaryTableStyle } from '../../components/styles.ts';

const useStyles = makeStyles({
  page: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '760px' },
  table: summaryTableStyle,
});

export function ConfirmPage({ errors, canStart }: { errors: FieldErrors; canStart: boolean }) {
  const styles = useStyles();
  const bun = useAppStore((s) => s.backUpNow);
  const estimateBackup = useAppStore((s) => s.estimateBackup);
  const checkBackupJob = useAppStore((s) => s.checkBackupJob);
  const update = useAppStore((s) => s.updateBackupDraft);
  const startBackup = useAppStore((s) => s.startBackup);
  const { draft, estimate, policy, existing } = bun;
  const items = draft.items.filter((i) => i.selected);

  // On entering the page, and again whenever the job check or the estimate was invalidated.
  useEffect(() => {
    if (existing === 'unknown') void checkBackupJob();
  }, [existing, checkBackupJob]);
  const { estimating, estimateError } = bun;
  useEffect(() => {
    if (!estimate && !estimating && !estimateError) void estimateBackup();
  }, [estimate, estimating, estimateError, estimateBackup]);

  const target = draft.source === 'policy' ? backUpNowTarget(policy) : null;
  const start = (
    <>
      <ErrorBar error={bun.startError} testId="bun-start-error" title="The backup could not start" />
      <div>
        <Button
          appearance="primary"
          icon={<PlayRegular />}
          data-testid="bun-start"
          disabled={!canStart || bun.starting}
          onClick={() => void startBackup()}
        >
          {bun.starting ? 'Starting…' : 'Back Up'}
        </Button>
      </div>
    </>
  );
  if (target?.kind === 'online')
    return (
      <div className={styles.page}>
        <TargetNote target={target} />
        <Text>
          Review the backup, then select Back Up. You can close the wizard while it runs; the backup continues and is
          shown in Jobs.
        </Text>
        <OnlineConfirm />
        {errors.confirm && <Text>{errors.confirm}</Text>}
        {start}
      </div>
    );

  return (
    <div className={styles.page}>
      {target && <TargetNote target={target} />}
      <Text>Review the backup, then select Back Up. You can close the wizard while it runs; the backup continues.</Text>
      <table className={styles.table} data-testid="bun-summary">
        <tbody>
          <tr>
            <th scope="row">Items</th>
            <td data-testid="bun-summary-items">
              {items.map((i) => (
                <div key={i.path}>{i.path}</div>
              ))}
            </td>
          </tr>
          {policy?.exclusions && <ExclusionsRow exclusions={policy.exclusions} />}
          <tr>
            <th scope="row">Staging location</th>
            <td data-testid="bun-summary-staging">{draft.stagingLocation}</td>
          </tr>
          <tr>
            <th scope="row">Job name</th>
            <td data-testid="bun-summary-job">{draft.jobName}</td>
          </tr>
          {(policy?.storageAccount || policy?.container) && (
            <tr>
              <th scope="row">Storage account / container</th>
              <td>
                {policy.storageAccount ?? '—'} / {policy.container ?? '—'}
              </td>
            </tr>
          )}
          <RetainUntilRow retainUntil={draft.retainUntil} />
        </tbody>
      </table>

      <div data-testid="bun-estimate" data-fits={estimate ? String(estimate.fits) : undefined}>
        {bun.estimating && <Spinner size="tiny" label="Estimating the size (scanning the items)…" />}
        {estimate && (
          <MessageBarGroup>
            <MessageBar layout="multiline" intent={estimate.fits ? 'success' : 'error'} data-testid="bun-estimate-fits">
              <MessageBarBody>
                <MessageBarTitle>
                  {estimate.fits ? 'Fits in the staging location' : 'Does not fit in the staging location'}
                </MessageBarTitle>
                Estimated size {formatBytes(estimate.bytes)} in {formatCount(estimate.files)} files and{' '}
                {formatCount(estimate.dirs)} folders; needs up to {formatBytes(estimate.requiredBytes)},{' '}
                {formatBytes(estimate.freeBytes)} free.
                {estimate.skipped.length > 0 &&
                  ` ${estimate.skipped.length} item(s) cannot be read and will be skipped.`}
              </MessageBarBody>
            </MessageBar>
          </MessageBarGroup>
        )}
        <ErrorBar
          error={bun.estimateError}
          testId="bun-estimate-error"
          title="Could not estimate the size"
          onRetry={() => void estimateBackup()}
        />
        {!bun.estimating && (
          <Button
            size="small"
            appearance="subtle"
            icon={<ArrowClockwiseRegular />}
            data-testid="bun-estimate-refresh"
            onClick={() => void estimateBackup()}
          >
            Estimate again
          </Button>
        )}
      </div>

      {existing === 'inProgress' && (
        <MessageBarGroup>
          <MessageBar layout="multiline" intent="info" data-testid="bun-existing-note" data-existing={existing}>
            <MessageBarBody>
              An unfinished backup of this job exists; Back Up Now resumes it from its last committed pack.
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      {existing === 'complete' && (
        <MessageBarGroup>
          <MessageBar layout="multiline" intent="warning" data-testid="bun-existing-note" data-existing={existing}>
            <MessageBarBody>
              Job "{draft.jobName}" already has a completed backup
              {bun.existingJob?.completedAt ? ` (finished ${formatDateTime(bun.existingJob.completedAt)})` : ''}.
              Backing up again replaces it.
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      {existing === 'complete' && (
        <Checkbox
          data-testid="bun-overwrite"
          checked={draft.overwrite}
          onChange={(_, d) => update({ overwrite: !!d.checked })}
          label={`Replace the completed backup of job "${draft.jobName}"`}
        />
      )}
      {errors.existing && <ErrorBar error={errors.existing} testId="bun-existing-error" />}
      {errors.confirm && <Text>{errors.confirm}</Text>}

      {start}
    </div>
  );
}
