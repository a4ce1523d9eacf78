/**
 * Recover Data's "Check this backup": reads every pack and file of the open backup where it is — the staging folder,
 * the prepared disks or the storage account container — and checks them against the catalog (backup:verify on the
 * same source). The task also shows in Jobs, with the damaged files listed there.
 * data-testid: rec-check-backup, rec-check-note, rec-check-status (data-status), rec-check-error
 */
import { Button, Text } from '@fluentui/react-components';
import { isFinished } from '../../../../shared/task.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { TaskProgress } from '../../components/TaskProgress.tsx';
import { useAppStore } from '../../store/index.ts';

export function CheckBackup() {
  const source = useAppStore((s) => s.recoverData.draft.source);
  const error = useAppStore((s) => s.recoverData.checkError);
  const task = useAppStore((s) => (s.recoverData.checkTaskId ? s.tasks[s.recoverData.checkTaskId] : undefined));
  const check = useAppStore((s) => s.checkRecoverBackup);
  const cancel = useAppStore((s) => s.cancelTask);
  const running = task !== undefined && !isFinished(task.status);
  const where =
    source === 'blob'
      ? 'from the storage account container (it downloads the whole backup)'
      : source === 'disks'
        ? 'from the prepared disks'
        : 'in the staging folder';
  return (
    <div style={{ display: 'grid', gap: 6 }}>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <Button data-testid="rec-check-backup" disabled={running} onClick={() => void check()}>
          Check this backup
        </Button>
        <Text size={200} data-testid="rec-check-note">
          Reads every pack and file of this backup {where} and checks them against its catalog; nothing is restored.
        </Text>
      </div>
      {task && (
        <div data-testid="rec-check-status" data-status={task.status}>
          {running ? (
            <TaskProgress
              progress={task.progress}
              status={task.status}
              onCancel={() => void cancel(task.id)}
              cancelLabel="Cancel the check"
            />
          ) : (
            <Text size={200}>
              {task.status === 'failed'
                ? (task.error?.message ?? 'The check failed.')
                : task.status === 'cancelled'
                  ? 'The check was cancelled.'
                  : (task.message ?? '')}
              {task.warnings.length ? ` The files concerned are listed in Jobs.` : ''}
            </Text>
          )}
        </div>
      )}
      <ErrorBar error={error} testId="rec-check-error" title="The check could not start" />
    </div>
  );
}
