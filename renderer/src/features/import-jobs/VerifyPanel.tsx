/**
 * Verify imported data (after Completed): the container's blobs under `<job>/` against the staged backup, then
 * an optional clean-up of the staging folder with typed confirmation.
 * data-testid: ij-verify, ij-verify-staging, ij-verify-browse, ij-verify-start, ij-verify-reason, ij-verify-report
 * (data-ok), ij-verify-missing, ij-verify-different, ij-verify-extra, ij-cleanup-confirm, ij-cleanup, ij-cleanup-done
 */
import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  MessageBarTitle,
  Text,
} from '@fluentui/react-components';
import { ShieldCheckmarkRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ImportJobInfo } from '../../../../shared/contract/azure.ts';
import type { VerifyDifference } from '../../../../shared/contract/import-verify.ts';
import type { ActionRule } from '../../../../shared/import-jobs.ts';
import { isFinished } from '../../../../shared/task.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { TaskProgress } from '../../components/TaskProgress.tsx';
import { usePathWords } from '../../components/paths.ts';
import { formatBytes, formatCount, formatDateTime } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { BrowseButton } from '../../components/BrowseButton.tsx';

function DiffList({
  items,
  count,
  label,
  testId,
}: {
  items: VerifyDifference[];
  count: number;
  label: string;
  testId: string;
}) {
  if (!count) return null;
  return (
    <div data-testid={testId}>
      <Text weight="semibold">
        {label} ({formatCount(count)})
      </Text>
      <ul style={{ margin: 0 }}>
        {items.slice(0, 50).map((d) => (
          <li key={d.blobName}>
            {d.blobName}: {d.reason}
          </li>
        ))}
        {count > 50 && <li>… and {formatCount(count - 50)} more</li>}
      </ul>
    </div>
  );
}

export function VerifyPanel({ job, allowed }: { job: ImportJobInfo; allowed: ActionRule }) {
  const paths = usePathWords();
  const v = useAppStore(
    useShallow((s) => ({
      stagingLocation: s.importJobs.verifyStagingLocation,
      taskId: s.importJobs.verifyTaskId,
      error: s.importJobs.verifyError,
      report: s.importJobs.report,
      cleanup: s.importJobs.cleanup,
      cleanupError: s.importJobs.cleanupError,
    })),
  );
  const task = useAppStore((s) => (v.taskId ? s.tasks[v.taskId] : undefined));
  const setStaging = useAppStore((s) => s.setVerifyStaging);
  const start = useAppStore((s) => s.startImportVerify);
  const loadReport = useAppStore((s) => s.loadVerifyReport);
  const cleanup = useAppStore((s) => s.cleanupStaging);
  const cancelTask = useAppStore((s) => s.cancelTask);
  const [confirm, setConfirm] = useState('');
  const running = !!task && !isFinished(task.status);
  const finished = task?.status;
  useEffect(() => {
    if (finished && isFinished(finished)) void loadReport();
  }, [finished, loadReport]);
  const r = v.report;
  return (
    <section
      data-testid="ij-verify"
      style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 10, maxWidth: 900 }}
    >
      <Text weight="semibold">Verify imported data</Text>
      <Text size={200}>
        Compares every blob under {job.name}/ in the storage account with the staged backup (size and SHA-256), and
        reports anything missing or different.
      </Text>
      <div style={{ display: 'flex', gap: 8, alignItems: 'flex-end' }}>
        <Field label="Staging location of this job" style={{ flex: 1, minWidth: 0 }}>
          <Input
            data-testid="ij-verify-staging"
            value={v.stagingLocation}
            onChange={(_, d) => setStaging(d.value)}
            placeholder={paths.stagingExample}
          />
        </Field>
        <BrowseButton testId="ij-verify-browse" title="Staging location" from={v.stagingLocation} onPick={setStaging} />
        <Button
          data-testid="ij-verify-start"
          appearance="primary"
          icon={<ShieldCheckmarkRegular />}
          disabled={!allowed.allowed || !v.stagingLocation.trim() || running}
          onClick={() => void start()}
        >
          Verify imported data
        </Button>
      </div>
      {!allowed.allowed && (
        <Text data-testid="ij-verify-reason" size={200}>
          {allowed.reason}
        </Text>
      )}
      <ErrorBar error={v.error} title="Verification could not start" testId="ij-verify-error" />
      {task && running && (
        <TaskProgress
          label={task.message ?? 'Checking blobs…'}
          progress={task.progress}
          status={task.status}
          onCancel={() => void cancelTask(task.id)}
          cancelLabel="Cancel verification"
        />
      )}
      {task?.status === 'failed' && !r && (
        <ErrorBar
          error={task.error?.message}
          title="Verification failed"
          onRetry={() => void start()}
          testId="ij-verify-failed"
        />
      )}
      {r && r.jobName === job.name && (
        <MessageBarGroup>
          <MessageBar
            intent={r.ok ? (r.extraCount ? 'warning' : 'success') : 'error'}
            data-testid="ij-verify-report"
            data-ok={r.ok}
          >
            <MessageBarBody>
              <MessageBarTitle>
                {r.ok ? 'Imported data matches the staged backup' : 'Imported data does not match'}
              </MessageBarTitle>
              {formatCount(r.matched)} of {formatCount(r.expectedFiles)} files ({formatBytes(r.expectedBytes)}) match in{' '}
              {r.location} · {formatCount(r.missingCount)} missing · {formatCount(r.differentCount)} different ·{' '}
              {formatCount(r.extraCount)} extra · checked {formatDateTime(r.checkedAt)}
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      {r && r.jobName === job.name && (
        <>
          <DiffList
            items={r.missing}
            count={r.missingCount}
            label="Missing in the container"
            testId="ij-verify-missing"
          />
          <DiffList items={r.different} count={r.differentCount} label="Different" testId="ij-verify-different" />
          <DiffList
            items={r.extra}
            count={r.extraCount}
            label="In the container but not staged"
            testId="ij-verify-extra"
          />
        </>
      )}
      {r?.ok && r.jobName === job.name && !v.cleanup && (
        <form
          style={{ display: 'flex', gap: 8, alignItems: 'flex-end' }}
          onSubmit={(e) => {
            e.preventDefault();
            void cleanup(confirm);
          }}
        >
          <Field
            label={`Free the staging space: type "${job.name}" to delete ${paths.join(v.stagingLocation || 'the staging folder', job.name)}`}
            style={{ flex: 1 }}
          >
            <Input
              data-testid="ij-cleanup-confirm"
              value={confirm}
              onChange={(_, d) => setConfirm(d.value)}
              autoComplete="off"
            />
          </Field>
          <Button data-testid="ij-cleanup" type="submit" disabled={confirm.trim() !== job.name}>
            Delete staging folder
          </Button>
        </form>
      )}
      <ErrorBar error={v.cleanupError} title="The staging folder was kept" testId="ij-cleanup-error" />
      {v.cleanup && (
        <MessageBarGroup>
          <MessageBar intent="success" data-testid="ij-cleanup-done">
            <MessageBarBody>
              Deleted {v.cleanup.folder}: {formatCount(v.cleanup.removedFiles)} files,{' '}
              {formatBytes(v.cleanup.removedBytes)} freed. seed.json was kept at {v.cleanup.seedKeptAt} so the backup
              can still be restored from the container.
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
    </section>
  );
}
