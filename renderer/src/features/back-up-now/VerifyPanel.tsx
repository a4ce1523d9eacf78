/**
 * After a finished backup: verify it (backup:verify reads every pack, authenticates every chunk, resolves every file)
 * and show exactly what is damaged, if anything.
 * data-testid: bun-verify, bun-verify-status (data-status, data-ok), bun-verify-result, bun-verify-damaged, bun-verify-error
 */
import {
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  MessageBarTitle,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ShieldCheckmarkRegular } from '@fluentui/react-icons';
import { AppError } from '../../../../shared/errors.ts';
import { isFinished } from '../../../../shared/task.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { taskResult } from '../../components/task-results.ts';
import { TaskProgress } from '../../components/TaskProgress.tsx';
import { formatCount } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { scrollingListStyle } from '../../components/styles.ts';

const useStyles = makeStyles({
  root: { display: 'grid', gap: tokens.spacingVerticalS },
  list: scrollingListStyle('160px'),
});

export function VerifyPanel() {
  const styles = useStyles();
  const bun = useAppStore((s) => s.backUpNow);
  const task = useAppStore((s) => (s.backUpNow.verifyTaskId ? s.tasks[s.backUpNow.verifyTaskId] : undefined));
  const verifyBackup = useAppStore((s) => s.verifyBackup);
  const cancelTask = useAppStore((s) => s.cancelTask);
  const done = task ? isFinished(task.status) : false;
  const report = taskResult(task, 'verify');
  const err = task?.error ? new AppError(task.error.code, task.error.message, task.error.details) : null;
  const damaged = report ? [...report.damagedPacks, ...report.damagedFiles] : [];
  return (
    <section className={styles.root} aria-label="Verify the backup">
      {(!task || done) && (
        <div>
          <Button icon={<ShieldCheckmarkRegular />} data-testid="bun-verify" onClick={() => void verifyBackup()}>
            {task ? 'Verify again' : 'Verify backup'}
          </Button>
        </div>
      )}
      <ErrorBar error={bun.verifyError} testId="bun-verify-error" title="Verify could not start" />
      {task && (
        <Text
          size={200}
          data-testid="bun-verify-status"
          data-status={task.status}
          data-ok={report ? String(report.ok) : undefined}
        >
          {done ? 'Verify finished.' : 'Verifying: reading every pack and checking every chunk…'}
        </Text>
      )}
      {task && !done && (
        <TaskProgress
          progress={task.progress}
          status={task.status}
          label="Verify"
          onCancel={() => void cancelTask(task.id)}
          cancelLabel="Cancel verify"
        />
      )}
      {report && (
        <MessageBarGroup>
          <MessageBar layout="multiline" intent={report.ok ? 'success' : 'error'} data-testid="bun-verify-result">
            <MessageBarBody>
              <MessageBarTitle>{report.ok ? 'The backup is intact' : 'The backup is damaged'}</MessageBarTitle>
              {report.ok
                ? `All ${formatCount(report.packsChecked)} packs, ${formatCount(report.chunksChecked)} chunks and ${formatCount(report.filesChecked)} files check out.`
                : `${report.damagedPacks.length} damaged pack(s) and ${report.damagedFiles.length} file(s) that cannot be restored intact; run Back Up Now again with "replace" to rewrite it.`}
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      {damaged.length > 0 && (
        <ul className={styles.list} data-testid="bun-verify-damaged">
          {damaged.map((d, i) => (
            <li key={i}>
              {d.path}: {d.reason}
            </li>
          ))}
        </ul>
      )}
      {task?.status === 'failed' && <ErrorBar error={err} testId="bun-verify-failure" title="Verify failed" />}
    </section>
  );
}
