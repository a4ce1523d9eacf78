/**
 * One task in the Jobs table: Status | Time | Message | Description (title + progress or outcome) | actions.
 * data-testid: job-row-<id> (data-status), job-status, job-time, job-message, job-description, job-details, job-dismiss;
 *   a running or waiting task embeds TaskProgress (task-progress, task-progress-cancel); a Disk Prep task waiting
 *   for another disk or for sign-in has job-open-diskprep (data-waiting-for; opens Prepare Disks at its copy step,
 *   which asks for the disk or offers the sign-in); an online run's byte counters show as
 *   job-online-counters (scanned, new, uploaded).
 */
import { Button, TableCell, TableRow, Text, tokens } from '@fluentui/react-components';
import { DeleteRegular, HardDriveRegular, PersonRegular } from '@fluentui/react-icons';
import { DISK_PREP_WAITS, diskPrepWaitReason } from '../../../../shared/contract/diskprep.ts';
import type { TaskSnapshot } from '../../../../shared/task.ts';
import { isFinished } from '../../../../shared/task.ts';
import { TaskProgress } from '../../components/TaskProgress.tsx';
import { elapsedSeconds, formatAmount, formatBytes, formatDuration, formatDateTime } from '../../components/format.ts';
import { ONLINE_BYTE_FACTS } from '../../../../shared/online-facts.ts';
import { StatusBadge } from './StatusBadge.tsx';

export interface JobRowProps {
  task: TaskSnapshot;
  busy: boolean;
  onCancel: (id: string) => void;
  onDismiss: (id: string) => void;
  /** A waiting Disk Prep task: open Prepare Disks to attach the next disk, or to sign in. */
  onOpenDiskPrep?: (id: string) => void;
  /** Opens the job's details (its files and reasons). */
  onDetails?: (id: string) => void;
}

function outcome(task: TaskSnapshot): string {
  const took = task.endedAt ? ` in ${formatDuration(elapsedSeconds(task.startedAt, task.endedAt))}` : '';
  const amount = task.progress.done > 0 ? `${formatAmount(task.progress.done, task.progress.unit)}` : '';
  const warn = task.warnings.length ? ` · ${task.warnings.length} warning${task.warnings.length === 1 ? '' : 's'}` : '';
  return [amount, took.trim()].filter(Boolean).join(' ') + warn;
}

/** "Scanned 1.2 GB · New 30 MB · Uploaded 12 MB" from a scheduled run's counters, or null when it reported none. */
function onlineCounters(task: TaskSnapshot): string | null {
  if (task.kind !== 'scheduled') return null;
  const parts = Object.entries(ONLINE_BYTE_FACTS)
    .filter(([k]) => task.counters[k] !== undefined)
    .map(([k, label]) => `${label} ${formatBytes(task.counters[k].value)}`);
  return parts.length ? parts.join(' · ') : null;
}

// Failed: red. Waiting for the user: the neutral text in semibold (the badge carries the attention colour).
const messageColor = (task: TaskSnapshot): string | undefined =>
  task.status === 'failed' ? tokens.colorPaletteRedForeground1 : undefined;

export function JobRow({ task, busy, onCancel, onDismiss, onOpenDiskPrep, onDetails }: JobRowProps) {
  const finished = isFinished(task.status);
  const waitingFor = task.status === 'waiting' ? (diskPrepWaitReason(task.waiting) ?? 'anotherDisk') : undefined;
  const message = task.status === 'failed' && task.error ? task.error.message : (task.message ?? '');
  return (
    <TableRow data-testid={`job-row-${task.id}`} data-status={task.status}>
      <TableCell>
        <StatusBadge status={task.status} />
      </TableCell>
      <TableCell data-testid="job-time">
        <Text size={200}>{formatDateTime(task.startedAt)}</Text>
      </TableCell>
      <TableCell data-testid="job-message" data-code={task.status === 'failed' ? task.error?.code : undefined}>
        <Text
          size={200}
          weight={task.status === 'waiting' ? 'semibold' : 'regular'}
          style={{ color: messageColor(task), overflowWrap: 'anywhere' }}
        >
          {message}
        </Text>
      </TableCell>
      <TableCell data-testid="job-description">
        <div style={{ padding: '6px 0', display: 'grid', gap: 4 }}>
          <span style={{ display: 'flex', gap: 8, alignItems: 'baseline', flexWrap: 'wrap' }}>
            <Text weight="semibold">{task.title}</Text>
            {onDetails && (
              <Button
                data-testid="job-details"
                size="small"
                appearance="transparent"
                onClick={() => onDetails(task.id)}
                aria-label={`Details of ${task.title}`}
              >
                {task.warnings.length
                  ? `Details (${task.warnings.length} file${task.warnings.length === 1 ? '' : 's'})`
                  : 'Details'}
              </Button>
            )}
          </span>
          {onlineCounters(task) && (
            <Text size={200} data-testid="job-online-counters">
              {onlineCounters(task)}
            </Text>
          )}
          {finished ? (
            <Text size={200}>{outcome(task)}</Text>
          ) : (
            <TaskProgress
              progress={task.progress}
              status={task.status}
              onCancel={() => onCancel(task.id)}
              cancelDisabled={busy}
              cancelLabel={`Cancel ${task.title}`}
            />
          )}
          {task.status === 'waiting' && task.kind === 'diskprep' && onOpenDiskPrep && (
            <div>
              <Button
                data-testid="job-open-diskprep"
                data-waiting-for={waitingFor}
                size="small"
                appearance="primary"
                icon={waitingFor === 'signIn' ? <PersonRegular /> : <HardDriveRegular />}
                onClick={() => onOpenDiskPrep(task.id)}
              >
                {DISK_PREP_WAITS[waitingFor ?? 'anotherDisk'].action}
              </Button>
            </div>
          )}
        </div>
      </TableCell>
      <TableCell>
        {finished && (
          <Button
            data-testid="job-dismiss"
            size="small"
            appearance="subtle"
            icon={<DeleteRegular />}
            aria-label={`Remove ${task.title} from the list`}
            disabled={busy}
            onClick={() => onDismiss(task.id)}
          />
        )}
      </TableCell>
    </TableRow>
  );
}
