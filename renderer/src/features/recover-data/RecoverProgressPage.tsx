/**
 * Recover Data, page 5: the restore task's progress and result. Closing the wizard does not stop it.
 * data-testid: rec-progress, rec-status (data-status), rec-close-note, rec-message, rec-result, rec-failure, rec-skipped,
 *   rec-run-again
 */
import { Button, Text, makeStyles, tokens } from '@fluentui/react-components';
import { AppError } from '../../../../shared/errors.ts';
import { isFinished, type TaskSnapshot } from '../../../../shared/task.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { taskResult } from '../../components/task-results.ts';
import { TaskProgress } from '../../components/TaskProgress.tsx';
import { formatBytes, formatCount } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { scrollingListStyle } from '../../components/styles.ts';
import { TaskResultBar } from '../../components/TaskResultBar.tsx';

const useStyles = makeStyles({
  page: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '820px' },
  list: scrollingListStyle('180px'),
});

const STATUS_TEXT: Record<TaskSnapshot['status'], string> = {
  running: 'Recovering…',
  waiting: 'Waiting for you…',
  cancelling: 'Cancelling…',
  cancelled: 'Cancelled',
  succeeded: 'Recovered',
  succeededWithWarnings: 'Recovered with warnings',
  failed: 'Failed',
};

export function RecoverProgressPage() {
  const styles = useStyles();
  const rec = useAppStore((s) => s.recoverData);
  const task = useAppStore((s) => (s.recoverData.taskId ? s.tasks[s.recoverData.taskId] : undefined));
  const cancelTask = useAppStore((s) => s.cancelTask);
  const retryRecover = useAppStore((s) => s.retryRecover);
  if (!rec.taskId) return <Text>Nothing has been recovered from this wizard yet.</Text>;
  if (!task) return <Text data-testid="rec-progress">Waiting for the recovery task to report…</Text>;
  const done = isFinished(task.status);
  const r = taskResult(task, 'restore');
  const err = task.error ? new AppError(task.error.code, task.error.message, task.error.details) : null;
  const skipped = r?.skipped ?? [];
  return (
    <div className={styles.page} data-testid="rec-progress" data-status={task.status}>
      <Text as="h3" size={400} weight="semibold" data-testid="rec-status" data-status={task.status} aria-live="polite">
        {STATUS_TEXT[task.status]}
      </Text>
      {(!done || task.progress.total !== undefined) && (
        <TaskProgress
          progress={task.progress}
          status={task.status}
          label={`Recover job ${rec.draft.jobName} to ${rec.draft.destination}`}
          {...(!done
            ? { onCancel: () => void cancelTask(task.id), cancelLabel: `Cancel recovery of job ${rec.draft.jobName}` }
            : {})}
        />
      )}
      {!done && (
        <Text size={200} data-testid="rec-close-note">
          Closing this wizard does not stop the recovery; follow it in Jobs.
        </Text>
      )}
      {task.message && (
        <Text size={200} data-testid="rec-message" style={{ overflowWrap: 'anywhere' }}>
          {task.message}
        </Text>
      )}
      {done && r && task.status !== 'failed' && (
        <TaskResultBar
          testId="rec-result"
          status={task.status}
          ok={skipped.length === 0 && task.status === 'succeeded'}
          title={skipped.length ? `Recovered with ${skipped.length} item(s) not recovered` : 'Recovery completed'}
        >
          {formatCount(r.files)} files ({formatBytes(r.bytes)}), {formatCount(r.dirs)} folders and{' '}
          {formatCount(r.symlinks)} links recovered to {rec.draft.destination}.
        </TaskResultBar>
      )}
      {task.status === 'cancelled' && (
        <TaskResultBar testId="rec-result" status={task.status} ok={false}>
          Recovery cancelled. Files already written stay at the destination.
        </TaskResultBar>
      )}
      {task.status === 'failed' && <ErrorBar error={err} title="Recovery failed" testId="rec-failure" />}
      {done && task.status !== 'succeeded' && (
        <div>
          <Button data-testid="rec-run-again" onClick={retryRecover}>
            Back to Destination
          </Button>
        </div>
      )}
      {skipped.length > 0 && (
        <section aria-label="Not recovered">
          <Text weight="semibold">Not recovered ({skipped.length})</Text>
          <ul className={styles.list} data-testid="rec-skipped">
            {skipped.map((s, i) => (
              <li key={i}>
                {s.path}: {s.reason}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
