/**
 * The Jobs view: every task the host knows (task:list, then task:updated / task:removed events) and every scheduled
 * run of the policy's history (scheduled-runs.ts; also runs done by obc agent while the console was closed), newest
 * first.
 * data-testid: jobs-view, jobs-table, jobs-empty, jobs-clear-finished, jobs-error (+ JobRow's and ScheduledRunRow's ids)
 */
import {
  Button,
  Table,
  TableBody,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { DeleteRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { useShallow } from 'zustand/react/shallow';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { useAppStore } from '../../store/index.ts';
import { tasksSelectors } from '../../store/slices/tasks.ts';
import { JobDetailsDialog } from './JobDetailsDialog.tsx';
import { JobRow } from './JobRow.tsx';
import { ScheduledRunRow } from './ScheduledRunRow.tsx';
import { jobsRows } from './scheduled-runs.ts';

const useStyles = makeStyles({
  root: { display: 'grid', gap: tokens.spacingVerticalM },
  head: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: tokens.spacingHorizontalM },
  table: { tableLayout: 'fixed', minWidth: '720px' },
  scroll: { overflowX: 'auto' },
  empty: { padding: tokens.spacingVerticalL, color: tokens.colorNeutralForeground3 },
});

export function JobsView() {
  const styles = useStyles();
  const tasks = useAppStore(useShallow(tasksSelectors.list));
  const runs = useAppStore((s) => s.scheduleBackup.view?.policy?.lastRuns);
  const hideRun = useAppStore((s) => s.hideScheduledRun);
  const rows = jobsRows(tasks, runs ?? []);
  const [runError, setRunError] = useState<string | null>(null);
  const dismissRun = (id: string) => {
    setRunError(null);
    hideRun(id).catch((err: unknown) => setRunError(errorMessage(err)));
  };
  const busyIds = useAppStore((s) => s.taskBusyIds);
  const loaded = useAppStore((s) => s.tasksLoaded);
  const error = useAppStore((s) => s.tasksError);
  const connected = useAppStore((s) => s.connection.state === 'connected');
  const finished = useAppStore(tasksSelectors.finishedCount);
  const { cancelTask, dismissTask, dismissFinishedTasks, refreshTasks, openWaitingDiskPrep } = useAppStore(
    useShallow((s) => ({
      cancelTask: s.cancelTask,
      dismissTask: s.dismissTask,
      dismissFinishedTasks: s.dismissFinishedTasks,
      refreshTasks: s.refreshTasks,
      openWaitingDiskPrep: s.openWaitingDiskPrep,
    })),
  );
  const [detailsId, setDetailsId] = useState<string | null>(null);
  const details = tasks.find((t) => t.id === detailsId) ?? null;
  // A Disk Prep task waiting for another disk or for sign-in names its staging location and job (service.ts,
  // waiting.details).
  const openDiskPrep = (id: string) => {
    const d = tasks.find((t) => t.id === id)?.waiting?.details;
    if (typeof d?.stagingLocation === 'string' && typeof d.job === 'string')
      void openWaitingDiskPrep(id, d.stagingLocation, d.job);
  };
  return (
    <section className={styles.root} data-testid="jobs-view" aria-labelledby="jobs-heading">
      <div className={styles.head}>
        <Text as="h2" id="jobs-heading" size={500} weight="semibold" style={{ margin: 0 }}>
          Jobs
        </Text>
        <Button
          data-testid="jobs-clear-finished"
          size="small"
          icon={<DeleteRegular />}
          disabled={finished === 0}
          onClick={() => void dismissFinishedTasks()}
        >
          Clear finished ({finished})
        </Button>
      </div>
      <ErrorBar error={error} title="Jobs" testId="jobs-error" onRetry={() => void refreshTasks()} />
      {runError && (
        <Text data-testid="jobs-run-error" role="alert" style={{ color: tokens.colorPaletteRedForeground1 }}>
          {runError}
        </Text>
      )}
      <div className={styles.scroll}>
        <Table data-testid="jobs-table" className={styles.table} aria-labelledby="jobs-heading" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell style={{ width: 180 }}>Status</TableHeaderCell>
              <TableHeaderCell style={{ width: 130 }}>Time</TableHeaderCell>
              <TableHeaderCell style={{ width: '24%' }}>Message</TableHeaderCell>
              <TableHeaderCell>Description</TableHeaderCell>
              <TableHeaderCell style={{ width: 48 }}>
                <span style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>
                  Actions
                </span>
              </TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((r) =>
              r.kind === 'run' ? (
                <ScheduledRunRow key={`run-${r.run.id ?? r.run.at}`} run={r.run} busy={false} onDismiss={dismissRun} />
              ) : (
                <JobRow
                  key={r.task.id}
                  task={r.task}
                  busy={busyIds.includes(r.task.id)}
                  onCancel={(id) => void cancelTask(id)}
                  onDismiss={(id) => void dismissTask(id)}
                  onOpenDiskPrep={openDiskPrep}
                  onDetails={setDetailsId}
                />
              ),
            )}
          </TableBody>
        </Table>
      </div>
      <JobDetailsDialog task={details} onClose={() => setDetailsId(null)} />
      {rows.length === 0 && (
        <Text className={styles.empty} data-testid="jobs-empty">
          {loaded
            ? 'No jobs yet. Backups, disk preparation and verification runs appear here while they run and after they finish.'
            : connected
              ? 'Loading jobs…'
              : 'Jobs appear here once the console host answers.'}
        </Text>
      )}
    </section>
  );
}
