/**
 * Page 10: Modify Backup Progress — per-step results (container, Entra application, policy), Retry on failure, Close.
 * data-testid: sb-progress, sb-run-<id> (data-status), sb-run-<id>-message, sb-progress-retry, sb-progress-close
 */
import {
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  ProgressBar,
  Text,
} from '@fluentui/react-components';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../store/index.ts';

const WORD = {
  pending: 'Waiting',
  running: 'Working…',
  succeeded: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
} as const;

export function ProgressPage() {
  const { run, running, own } = useAppStore(
    useShallow((s) => ({
      run: s.scheduleBackup.run,
      running: s.scheduleBackup.running,
      own: s.scheduleBackup.data.initialType === 'ownDisks',
    })),
  );
  const finish = useAppStore((s) => s.finishScheduleBackup);
  const reset = useAppStore((s) => s.resetScheduleBackup);
  const navigate = useAppStore((s) => s.navigate);
  const done = run.filter((r) => r.status === 'succeeded' || r.status === 'skipped').length;
  const failed = run.find((r) => r.status === 'failed');
  const allDone = done === run.length && run.length > 0;
  return (
    <div
      data-testid="sb-progress"
      data-state={running ? 'running' : failed ? 'failed' : allDone ? 'done' : 'idle'}
      style={{ display: 'grid', gap: 12, maxWidth: 720, gridTemplateColumns: 'minmax(0, 1fr)' }}
    >
      <Text as="h3" size={500} weight="semibold">
        Modify Backup Progress
      </Text>
      <Field validationMessage={`${done} of ${run.length} steps done`} validationState="none">
        <ProgressBar max={Math.max(1, run.length)} value={done} />
      </Field>
      <ol style={{ display: 'grid', gap: 8, paddingLeft: 20 }}>
        {run.map((r) => (
          <li key={r.id} data-testid={`sb-run-${r.id}`} data-status={r.status}>
            <Text weight="semibold">{r.title}</Text> — <Text>{WORD[r.status]}</Text>
            {r.message && (
              <div>
                <Text size={200} data-testid={`sb-run-${r.id}-message`}>
                  {r.message}
                </Text>
              </div>
            )}
          </li>
        ))}
      </ol>
      {failed && !running && (
        <MessageBarGroup>
          <MessageBar layout="multiline" intent="error">
            <MessageBarBody>
              {failed.title} failed: {failed.message}
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      {allDone && !running && (
        <MessageBarGroup>
          <MessageBar layout="multiline" intent="success">
            <MessageBarBody>
              The backup schedule is saved.
              {own
                ? ' Next: run Back Up Now to write the initial backup to the staging location, then Prepare Disks.'
                : ''}
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      <div style={{ display: 'flex', gap: 8 }}>
        {failed && !running && (
          <Button data-testid="sb-progress-retry" appearance="primary" onClick={() => void finish()}>
            Retry
          </Button>
        )}
        <Button
          data-testid="sb-progress-close"
          appearance={allDone ? 'primary' : 'secondary'}
          disabled={running}
          onClick={() => {
            reset();
            navigate('console');
          }}
        >
          Close
        </Button>
      </div>
    </div>
  );
}
