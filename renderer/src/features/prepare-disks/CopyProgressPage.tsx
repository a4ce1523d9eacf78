/**
 * Step 4: the copy task. Overall progress (copy + read-back bytes, rate, ETA, current file) and one row per disk
 * with its phase (copy → manifest → read-back → done), its own rate and ETA (the disks are filled at the same time),
 * all from the task snapshot the host pushes (task:updated, `detail.kind === 'diskprep'`): nothing is polled. When the disks run out of room the task completes them and
 * then waits (task status 'waiting', not a failure): the page asks for another disk and diskprep:addDisk continues
 * the same task. Started before sign-in (the manifests' container SAS is signed through it), the task waits for
 * sign-in the same way: the page offers the console's sign-in and the task continues by itself once it completes.
 * Cancel works while it waits (the prepared disks and journals stay); a stopped or failed run resumes where it
 * stopped.
 * data-testid: dp-copy (data-status), dp-copy-phase, dp-copy-file, dp-disk-progress-<serial> (data-phase, data-state),
 * dp-disk-rate-<serial>, dp-disk-error-<serial>,
 * dp-needs-disk, dp-needs-disk-refresh, dp-add-error, dp-needs-signin (+ the sign-in panel's dp-signin, …), dp-copy-done, dp-copy-error (data-wrong-key when the host says a
 * given BitLocker key is not the volume's), dp-copy-resume
 */
import {
  Button,
  Field,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarGroup,
  MessageBarTitle,
  ProgressBar,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import {
  DISK_PREP_WAITS,
  diskPrepWaitReason,
  type DiskPhase,
  type DiskProgress,
} from '../../../../shared/contract/diskprep.ts';
import { isFinished } from '../../../../shared/task.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { SignInPanel } from '../../components/SignInPanel.tsx';
import { TaskProgress } from '../../components/TaskProgress.tsx';
import { formatBytes, formatDuration } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { BitLockerKeyDialog } from './BitLockerKeyDialog.tsx';
import { DisksTable } from './DisksTable.tsx';
import { isWrongKeyError } from './disk-rules.ts';
import { RehearsalDiskForm } from './DisksPage.tsx';

const PHASES: Array<{ id: DiskPhase; label: string }> = [
  { id: 'copy', label: 'Copy' },
  { id: 'manifest', label: 'Manifest' },
  { id: 'readback', label: 'Read-back' },
];
const PHASE_TEXT: Record<string, string> = {
  plan: 'Planning which files go to which disk',
  prepare: 'Preparing the disk (erase and encrypt, or check the BitLocker key given)',
  waiting: 'Waiting',
  copy: 'Copying',
  manifest: 'Writing the drive manifest',
  readback: 'Reading every byte back',
  done: 'Done',
  needsDisk: DISK_PREP_WAITS.anotherDisk.title,
};

function PhaseTrail({ phase }: { phase: DiskPhase }) {
  const at = phase === 'done' ? PHASES.length : PHASES.findIndex((p) => p.id === phase);
  return (
    <span aria-label={`Phase: ${PHASE_TEXT[phase] ?? phase}`}>
      {PHASES.map((p, i) => (
        <span key={p.id} style={{ fontWeight: i === at ? 700 : 400, opacity: at >= 0 && i > at ? 0.5 : 1 }}>
          {i > 0 ? ' → ' : ''}
          {i < at ? '✓ ' : ''}
          {p.label}
        </span>
      ))}
    </span>
  );
}

function DiskRowProgress({ d, live }: { d: DiskProgress; live: boolean }) {
  const total = Math.max(1, 2 * d.bytes);
  return (
    <TableRow data-testid={`dp-disk-progress-${d.serial}`} data-phase={d.phase} data-state={d.state}>
      <TableCell>
        {d.serial}
        {d.id && d.id !== d.serial && (
          <Text block size={200} font="monospace">
            {d.id}
          </Text>
        )}
      </TableCell>
      <TableCell>
        <PhaseTrail phase={d.phase} />
        {d.state === 'failed' && (
          <Text block data-testid={`dp-disk-error-${d.serial}`} style={{ color: 'var(--colorPaletteRedForeground1)' }}>
            Stopped: {d.error}
          </Text>
        )}
      </TableCell>
      <TableCell>
        {formatBytes(d.copiedBytes)} of {formatBytes(d.bytes)} copied · {d.copiedFiles}/{d.files} files ·{' '}
        {formatBytes(d.verifiedBytes)} read back
        {live && d.state === 'running' && d.rate !== undefined && (
          <Text block data-testid={`dp-disk-rate-${d.serial}`}>
            {formatBytes(d.rate)}/s{d.etaSeconds !== undefined ? ` · about ${formatDuration(d.etaSeconds)} left` : ''}
          </Text>
        )}
      </TableCell>
      <TableCell style={{ minWidth: 160 }}>
        <ProgressBar
          value={Math.min(total, d.copiedBytes + d.verifiedBytes)}
          max={total}
          aria-label={`Disk ${d.serial}`}
        />
      </TableCell>
    </TableRow>
  );
}

export function CopyProgressPage() {
  const { taskId, stored, status, startError, disks, job, bitLockerKeys } = useAppStore(
    useShallow((s) => ({
      taskId: s.diskPrep.taskId,
      stored: s.diskPrep.progress,
      status: s.diskPrep.status,
      startError: s.diskPrep.startError,
      disks: s.diskPrep.disks,
      job: s.diskPrep.job,
      bitLockerKeys: s.diskPrep.bitLockerKeys,
    })),
  );
  const task = useAppStore((s) => (taskId ? s.tasks[taskId] : undefined));
  // Live from the task snapshot the host pushes; what diskprep:status kept is only for a task this window never saw.
  const progress = task?.detail?.kind === 'diskprep' ? task.detail.progress : stored;
  const refresh = useAppStore((s) => s.refreshDiskPrepStatus);
  const cancel = useAppStore((s) => s.cancelTask);
  const resume = useAppStore((s) => s.startCopy);
  const loadDisks = useAppStore((s) => s.loadDisks);
  const openErase = useAppStore((s) => s.openErase);
  const setKey = useAppStore((s) => s.setDiskBitLockerKey);
  const goStep = useAppStore((s) => s.goDiskPrepStep);
  const [keyFor, setKeyFor] = useState<string | null>(null);
  const running = !!task && !isFinished(task.status);
  const waiting = task?.status === 'waiting';
  // diskprep:status (the job's disks and ids, a shortfall after a restart) when the task starts, waits or ends: the
  // per-disk progress itself comes pushed with the task.
  const taskStatus = task?.status;
  useEffect(() => {
    if (taskId) void refresh();
  }, [taskId, taskStatus, refresh]);
  // The task waits (it did not fail) for another disk — the numbers come with the task, else from diskprep:status — or
  // for sign-in (the manifests' container SAS), which continues it by itself.
  const needsSignIn = waiting && diskPrepWaitReason(task.waiting) === 'signIn';
  const needsDisk = waiting && !needsSignIn;
  const w = task?.waiting?.details;
  const need =
    typeof w?.neededBytes === 'number'
      ? {
          neededBytes: w.neededBytes,
          remainingFiles: Number(w.remainingFiles ?? 0),
          remainingBytes: Number(w.remainingBytes ?? 0),
        }
      : status?.needsDisk;
  const used = new Set(status?.disks.map((d) => d.id) ?? []);
  const candidates = (disks?.disks ?? []).filter((d) => !used.has(d.id) && d.refusals.length === 0);
  // While waiting there is no rate or ETA (nothing moves until a disk is added).
  const overall = progress
    ? {
        done: progress.doneBytes,
        ...(progress.totalBytes ? { total: progress.totalBytes } : {}),
        unit: 'bytes' as const,
        ...(progress.rate && !waiting ? { rate: progress.rate } : {}),
        ...(progress.etaSeconds !== undefined && !waiting ? { etaSeconds: progress.etaSeconds } : {}),
      }
    : task?.progress;
  return (
    <div
      data-testid="dp-copy"
      data-status={task?.status ?? (startError ? 'error' : 'starting')}
      style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 16 }}
    >
      {needsDisk ? (
        <ErrorBar error={startError} title="This disk cannot continue the job" testId="dp-add-error" />
      ) : (
        <ErrorBar
          error={startError}
          title="Disk Prep could not start"
          onRetry={() => void resume(true)}
          testId="dp-start-error"
        />
      )}
      {!task && !startError && <Spinner size="tiny" label="Starting…" />}
      {overall && (
        <TaskProgress
          label={`Preparing disks for ${job} (every byte is copied, then read back)`}
          progress={overall}
          status={task?.status}
          {...(running && taskId
            ? {
                onCancel: () => void cancel(taskId),
                cancelLabel: `Stop preparing disks for ${job}`,
                cancelText: 'Stop copying',
              }
            : {})}
        />
      )}
      {progress && (
        <Field label="Now">
          <Text data-testid="dp-copy-phase" data-phase={progress.phase}>
            {PHASE_TEXT[progress.phase] ?? progress.phase}
            {progress.serial ? ` — disk ${progress.serial}` : ''}
          </Text>
          {progress.currentFile && (
            <Text data-testid="dp-copy-file" size={200} font="monospace">
              {progress.currentFile}
            </Text>
          )}
        </Field>
      )}
      {progress && progress.disks.length > 0 && (
        <Table size="small" aria-label="Progress per disk">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Disk</TableHeaderCell>
              <TableHeaderCell>Phase</TableHeaderCell>
              <TableHeaderCell>Bytes</TableHeaderCell>
              <TableHeaderCell>Progress</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {progress.disks.map((d) => (
              <DiskRowProgress key={d.serial} d={d} live={running && !waiting} />
            ))}
          </TableBody>
        </Table>
      )}
      {needsSignIn && (
        <MessageBarGroup>
          <MessageBar intent="warning" data-testid="dp-needs-signin">
            <MessageBarBody>
              <MessageBarTitle>{DISK_PREP_WAITS.signIn.title}</MessageBarTitle>
              Disk Prep is paused: every drive manifest carries a container SAS, signed through your Azure sign-in. Sign
              in below and the copy continues by itself; nothing more is written to the disks until then. Cancel keeps
              what is prepared.
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      {needsSignIn && <SignInPanel prefix="dp" statusId="dp-auth-status" />}
      {needsDisk && (
        <MessageBarGroup>
          <MessageBar intent="warning" data-testid="dp-needs-disk">
            <MessageBarBody>
              <MessageBarTitle>{DISK_PREP_WAITS.anotherDisk.action}</MessageBarTitle>
              Disk Prep is paused: the disks given are full, copied and read back.{' '}
              {need
                ? `At least ${formatBytes(need.neededBytes, true)} more capacity is needed for ${need.remainingFiles} remaining file${need.remainingFiles === 1 ? '' : 's'} (${formatBytes(need.remainingBytes)}).`
                : task?.message}{' '}
              Attach a disk, refresh, and choose it below; the copy continues where it stopped. Cancel keeps the
              prepared disks.
            </MessageBarBody>
            <MessageBarActions>
              <Button data-testid="dp-needs-disk-refresh" onClick={() => void loadDisks()}>
                Refresh disks
              </Button>
            </MessageBarActions>
          </MessageBar>
        </MessageBarGroup>
      )}
      {needsDisk && (
        <DisksTable
          disks={candidates}
          selected={[]}
          onToggle={(id) => openErase('add', [id])}
          bitLockerKeys={bitLockerKeys}
          onBitLockerKey={setKeyFor}
          keyActionOnAll
        />
      )}
      {/* Another disk that is already encrypted: accepting its key continues the job on it (no erase). */}
      <BitLockerKeyDialog
        job={job}
        disk={candidates.find((d) => d.id === keyFor) ?? null}
        onAccept={(key) => {
          if (keyFor) {
            setKey(keyFor, key);
            openErase('add', [keyFor]);
          }
          setKeyFor(null);
        }}
        onRemove={() => setKeyFor(null)}
        onClose={() => setKeyFor(null)}
      />
      {needsDisk && <RehearsalDiskForm onCreated={(d) => openErase('add', [d.id])} />}
      {task?.status === 'failed' && !needsDisk && isWrongKeyError(task.error?.message) && (
        <div data-testid="dp-copy-error" data-wrong-key="true">
          <ErrorBar
            error={`${task.error?.message} Disk Prep stopped before copying anything to that disk. Go back to Disks, open "Change key…" on that disk and enter its 48-digit recovery password (on Windows, as administrator: manage-bde -protectors -get <drive>: -Type RecoveryPassword).`}
            title="The BitLocker key does not match"
            onRetry={() => goStep('disks')}
            retryLabel="Back to Disks"
            testId="dp-wrong-key"
          />
        </div>
      )}
      {task?.status === 'failed' && !needsDisk && !isWrongKeyError(task.error?.message) && (
        <ErrorBar
          error={task.error?.message ?? 'Disk Prep failed.'}
          title="Disk Prep stopped"
          onRetry={() => void resume(true)}
          retryLabel="Resume"
          testId="dp-copy-error"
        />
      )}
      {task?.status === 'cancelled' && (
        <MessageBarGroup>
          <MessageBar intent="warning" data-testid="dp-copy-cancelled">
            <MessageBarBody>
              Disk Prep was cancelled. Resume to continue where it stopped; copied files are kept.
            </MessageBarBody>
            <MessageBarActions>
              <Button data-testid="dp-copy-resume" onClick={() => void resume(true)}>
                Resume
              </Button>
            </MessageBarActions>
          </MessageBar>
        </MessageBarGroup>
      )}
      {(task?.status === 'succeeded' || task?.status === 'succeededWithWarnings') && (
        <MessageBarGroup>
          <MessageBar intent="success" data-testid="dp-copy-done">
            <MessageBarBody>
              <MessageBarTitle>Disks prepared</MessageBarTitle>
              Every byte was read back and matches the drive manifests. Next: the shipping details and the import job.
              {task.warnings.length > 0 && ` Note: ${task.warnings.join(' ')}`}
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
    </div>
  );
}
