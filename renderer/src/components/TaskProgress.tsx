/**
 * Progress of one task: a ProgressBar labelled by a Field, with amount / rate / ETA text below it.
 * Indeterminate while the total is unknown.
 * data-testid: task-progress, task-progress-bar, task-progress-text, task-progress-cancel
 */
import { Button, Field, ProgressBar } from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import type { TaskProgress as Progress, TaskStatus } from '../../../shared/task.ts';
import { formatProgress } from './format.ts';

export interface TaskProgressProps {
  progress: Progress;
  label?: string;
  status?: TaskStatus | undefined;
  onCancel?: () => void;
  cancelDisabled?: boolean;
  /** Accessible name for the cancel button, e.g. "Cancel Back up C:\Data". */
  cancelLabel?: string;
  /** Visible text of the cancel button (default "Cancel"), e.g. "Stop copying" where another Cancel is on screen. */
  cancelText?: string;
}

export function TaskProgress({
  progress,
  label,
  status,
  onCancel,
  cancelDisabled,
  cancelLabel,
  cancelText = 'Cancel',
}: TaskProgressProps) {
  const known = progress.total !== undefined && progress.total > 0;
  const text =
    status === 'cancelling'
      ? `Cancelling… ${formatProgress(progress)}`
      : status === 'waiting'
        ? `Paused · ${formatProgress(progress)}`
        : formatProgress(progress);
  return (
    <div data-testid="task-progress" style={{ display: 'flex', alignItems: 'flex-start', gap: 8 }}>
      <Field
        label={label ?? null}
        validationMessage={<span data-testid="task-progress-text">{text}</span>}
        validationState="none"
        style={{ flex: 1, minWidth: 0 }}
      >
        <ProgressBar
          data-testid="task-progress-bar"
          thickness="large"
          // Without max and value the bar is indeterminate.
          {...(known && progress.total !== undefined
            ? { max: progress.total, value: Math.min(progress.done, progress.total) }
            : {})}
          aria-valuetext={text}
        />
      </Field>
      {onCancel && (
        <Button
          data-testid="task-progress-cancel"
          size="small"
          icon={<DismissRegular />}
          onClick={onCancel}
          disabled={cancelDisabled || status === 'cancelling'}
          aria-label={cancelLabel ?? 'Cancel'}
        >
          {cancelText}
        </Button>
      )}
    </div>
  );
}
