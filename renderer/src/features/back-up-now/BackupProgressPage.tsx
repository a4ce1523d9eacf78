/**
 * Back Up Now, page 5: Backup Progress — the task's bar (bytes, rate, ETA), its counters, skipped-file warnings and
 * the final state. Closing the wizard does not stop the task.
 * data-testid: bun-progress, bun-status (data-status), bun-resume-note, bun-close-note, bun-counters,
 *   bun-counter-<name>, bun-message, bun-warnings, bun-result, bun-failure, bun-fix-passphrase, bun-run-again (+ VerifyPanel)
 */
import { Button, Text, makeStyles, tokens } from '@fluentui/react-components';
import { isFinished, type TaskSnapshot } from '../../../../shared/task.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { taskResult } from '../../components/task-results.ts';
import { TaskProgress } from '../../components/TaskProgress.tsx';
import { formatBytes, formatCount, formatDuration } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { AppError } from '../../../../shared/errors.ts';
import { VerifyPanel } from './VerifyPanel.tsx';
import { OnlineProgress } from './OnlineParts.tsx';
import { figureGridStyle, figureStyle, scrollingListStyle } from '../../components/styles.ts';
import { TaskResultBar } from '../../components/TaskResultBar.tsx';

const useStyles = makeStyles({
  page: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '820px' },
  grid: figureGridStyle,
  cell: figureStyle,
  warnings: scrollingListStyle('180px'),
});

const STATUS_TEXT: Record<TaskSnapshot['status'], string> = {
  running: 'Backing up…',
  waiting: 'Waiting for you…',
  cancelling: 'Cancelling…',
  cancelled: 'Cancelled',
  succeeded: 'Completed',
  succeededWithWarnings: 'Completed with warnings',
  failed: 'Failed',
};

export function counterValue(t: TaskSnapshot, name: string): number | undefined {
  return t.counters[name]?.value;
}

export function BackupProgressPage() {
  const styles = useStyles();
  const bun = useAppStore((s) => s.backUpNow);
  const task = useAppStore((s) => (s.backUpNow.taskId ? s.tasks[s.backUpNow.taskId] : undefined));
  const cancelTask = useAppStore((s) => s.cancelTask);
  const retryBackup = useAppStore((s) => s.retryBackup);
  const busy = useAppStore((s) => (s.backUpNow.taskId ? s.taskBusyIds.includes(s.backUpNow.taskId) : false));
  if (!bun.taskId) return <Text>No backup has been started from this wizard.</Text>;
  if (!task) return <Text data-testid="bun-progress">Waiting for the backup task to report…</Text>;
  // Back Up Now after the seed runs as the scheduler's online run (a Jobs row of its own).
  if (task.kind === 'scheduled') return <OnlineProgress task={task} />;

  const done = isFinished(task.status);
  const summary = taskResult(task, 'backup');
  // While running: resuming if the job folder held an unfinished run; once done, what the engine reports.
  const resumed = done ? !!summary?.resumed : bun.existing === 'inProgress';
  const hasCounters = Object.keys(task.counters).length > 0;
  const c = (n: string) => counterValue(task, n);
  const bytes = (n: string) => (c(n) === undefined ? '—' : formatBytes(c(n)!));
  const filesTotal = task.progress.total !== undefined ? c('filesScanned') : undefined;
  const counters: Array<[string, string, string]> = [
    ['filesScanned', 'Files scanned', c('filesScanned') === undefined ? '—' : formatCount(c('filesScanned')!)],
    ['bytesScanned', 'Bytes scanned', bytes('bytesScanned')],
    [
      'filesProcessed',
      'Files processed',
      c('filesProcessed') === undefined
        ? '—'
        : `${formatCount(c('filesProcessed')!)}${filesTotal !== undefined ? ` of ${formatCount(filesTotal)}` : ''}`,
    ],
    ['bytesProcessed', 'Bytes processed', bytes('bytesProcessed')],
    ['bytesWritten', 'Written to staging', bytes('bytesWritten')],
    ['rate', 'Current rate', task.progress.rate ? `${formatBytes(task.progress.rate)}/s` : '—'],
    [
      'eta',
      'Time left',
      !done && task.progress.etaSeconds !== undefined ? formatDuration(task.progress.etaSeconds) : '—',
    ],
    ['dedupSavedBytes', 'Saved by deduplication', bytes('dedupSavedBytes')],
    ['compressionSavedBytes', 'Saved by compression', bytes('compressionSavedBytes')],
  ];
  const err = task.error ? new AppError(task.error.code, task.error.message, task.error.details) : null;

  return (
    <div className={styles.page} data-testid="bun-progress" data-status={task.status}>
      <Text as="h3" size={400} weight="semibold" data-testid="bun-status" data-status={task.status} aria-live="polite">
        {STATUS_TEXT[task.status]}
      </Text>
      {resumed && (
        <Text data-testid="bun-resume-note">
          {done
            ? 'This run resumed an unfinished backup of the job from its last committed pack.'
            : 'Resuming the unfinished backup of this job from its last committed pack.'}
        </Text>
      )}
      {(!done || task.progress.total !== undefined) && (
        <TaskProgress
          progress={task.progress}
          status={task.status}
          label={`Back up to ${bun.draft.stagingLocation} (job ${bun.draft.jobName})`}
          {...(!done
            ? {
                onCancel: () => void cancelTask(task.id),
                cancelDisabled: busy,
                cancelLabel: `Cancel backup of job ${bun.draft.jobName}`,
              }
            : {})}
        />
      )}
      {!done && (
        <Text size={200} data-testid="bun-close-note">
          Closing this wizard does not stop the backup. Follow it in Jobs, or open Back Up Now again to see this page.
        </Text>
      )}
      {task.message && (
        <Text size={200} data-testid="bun-message" style={{ overflowWrap: 'anywhere' }}>
          {task.message}
        </Text>
      )}
      {(hasCounters || !done) && (
        <dl className={styles.grid} data-testid="bun-counters">
          {counters.map(([id, label, value]) => (
            <div key={id} className={styles.cell}>
              <dt>{label}</dt>
              <dd data-testid={`bun-counter-${id}`}>{value}</dd>
            </div>
          ))}
        </dl>
      )}

      {done && task.status !== 'failed' && task.status !== 'cancelled' && summary && (
        <TaskResultBar
          testId="bun-result"
          status={task.status}
          ok={task.status === 'succeeded'}
          title={
            task.status === 'succeeded'
              ? 'Backup completed'
              : `Completed with warnings: ${summary.skippedCount} item(s) skipped`
          }
        >
          {formatCount(summary.files)} files ({formatBytes(summary.bytes)}) stored as {formatBytes(summary.storedBytes)}{' '}
          in {formatCount(summary.packs)} packs in {formatDuration(summary.seconds)}. The staging location is ready for
          Prepare Disks.
        </TaskResultBar>
      )}
      {done && (task.status === 'succeeded' || task.status === 'succeededWithWarnings') && <VerifyPanel />}
      {task.status === 'cancelled' && (
        <TaskResultBar testId="bun-result" status={task.status} ok={false} title="Backup cancelled">
          What was committed is kept. Run Back Up Now again for job "{bun.draft.jobName}" to resume from the last
          committed pack.
        </TaskResultBar>
      )}
      {task.status === 'failed' && <ErrorBar error={err} title="The backup failed" testId="bun-failure" />}
      {done && (task.status === 'failed' || task.status === 'cancelled') && (
        <div style={{ display: 'flex', gap: 8 }}>
          {err?.code === 'WRONG_PASSPHRASE' && (
            <Button
              appearance="primary"
              data-testid="bun-fix-passphrase"
              onClick={() => retryBackup('passphrase', err)}
            >
              Enter the passphrase again
            </Button>
          )}
          <Button
            data-testid="bun-run-again"
            onClick={() => retryBackup('confirm', task.status === 'failed' ? err : null)}
          >
            {task.status === 'cancelled' ? 'Resume…' : 'Back to Confirmation'}
          </Button>
        </div>
      )}

      {task.warnings.length > 0 && (
        <section aria-label="Skipped files">
          <Text weight="semibold">Skipped ({task.warnings.length})</Text>
          <ul className={styles.warnings} data-testid="bun-warnings">
            {task.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
