/**
 * One line for the console: the next scheduled backup (in the policy's time zone), or why none will run, and the
 * last run's message (e.g. "Waiting for Azure Import Job to complete…"). Kept fresh by policy:changed.
 * data-testid: next-backup (data-state: none | active | paused | stopped), next-backup-last
 */
import { Text } from '@fluentui/react-components';
import { formatRun } from '../../../../shared/schedule.ts';
import { useAppStore } from '../../store/index.ts';

export function NextBackupLine() {
  const view = useAppStore((s) => s.sb.view);
  const p = view?.policy;
  if (!p)
    return (
      <Text data-testid="next-backup" data-state="none" size={200}>
        {view?.loadProblem ?? 'No backup is scheduled.'}
      </Text>
    );
  const last = p.lastRuns[0];
  return (
    <span style={{ display: 'inline-flex', gap: 8, flexWrap: 'wrap' }}>
      <Text data-testid="next-backup" data-state={p.state} size={200}>
        {p.state === 'active'
          ? view.nextRuns[0]
            ? `Next backup: ${formatRun(Date.parse(view.nextRuns[0]), p.schedule.timeZone)}`
            : 'No backup time is due.'
          : p.state === 'paused'
            ? 'Scheduled backups are paused.'
            : 'The backup schedule is stopped (stored backups kept).'}
      </Text>
      {last && (
        <Text data-testid="next-backup-last" size={200}>
          Last run {new Date(last.at).toLocaleString()}: {last.message}
        </Text>
      )}
    </span>
  );
}
