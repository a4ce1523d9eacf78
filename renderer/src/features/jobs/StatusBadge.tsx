/** Task status as a coloured badge with an icon (colour is never the only signal: the text says it). */
import { Badge } from '@fluentui/react-components';
import {
  CheckmarkCircleRegular,
  DismissCircleRegular,
  ErrorCircleRegular,
  HourglassRegular,
  PauseCircleRegular,
  WarningRegular,
} from '@fluentui/react-icons';
import type { TaskStatus } from '../../../../shared/task.ts';

export const STATUS_LABELS: Record<TaskStatus, string> = {
  running: 'Running',
  waiting: 'Waiting for you',
  cancelling: 'Cancelling',
  cancelled: 'Cancelled',
  succeeded: 'Completed',
  succeededWithWarnings: 'Completed with warnings',
  failed: 'Failed',
};

const LOOK = {
  running: { color: 'brand', icon: <HourglassRegular /> },
  // Paused until the user acts (e.g. attach another disk): attention, never the red of a failure.
  waiting: { color: 'warning', icon: <PauseCircleRegular /> },
  cancelling: { color: 'warning', icon: <HourglassRegular /> },
  cancelled: { color: 'subtle', icon: <DismissCircleRegular /> },
  succeeded: { color: 'success', icon: <CheckmarkCircleRegular /> },
  succeededWithWarnings: { color: 'warning', icon: <WarningRegular /> },
  failed: { color: 'danger', icon: <ErrorCircleRegular /> },
} as const;

export function StatusBadge({ status }: { status: TaskStatus }) {
  const look = LOOK[status];
  return (
    <Badge appearance="tint" color={look.color} icon={look.icon} data-testid="job-status">
      {STATUS_LABELS[status]}
    </Badge>
  );
}
