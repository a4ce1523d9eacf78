/**
 * One line for the console: the next scheduled backup (in the policy's time zone), or why none will run, and the
 * last run's message (e.g. "Waiting for Azure Import Job to complete…"). Kept fresh by policy:changed.
 * When another console on the same data dir (desktop app / browser mode) holds the scheduler lease, says which one
 * runs the schedules.
 * data-testid: next-backup (data-state: none | active | paused | stopped), next-backup-last, next-backup-host
 */
import { Text } from '@fluentui/react-components';
import { formatDateTime } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';

export function NextBackupLine() {
  const view = useAppStore((s) => s.scheduleBackup.view);
  const p = view?.policy;
  if (!p)
    return (
      <Text data-testid="next-backup" data-state="none" size={200}>
        {view?.loadProblem ?? 'No backup is scheduled.'}
      </Text>
    );
  const last = p.lastRuns[0];
  const elsewhere = p.state === 'active' && view.scheduler && !view.scheduler.runsHere;
  return (
    <span style={{ display: 'inline-flex', gap: 8, flexWrap: 'wrap' }}>
      <Text data-testid="next-backup" data-state={p.state} size={200}>
        {p.state === 'active'
          ? view.nextRuns[0]
            ? `Next backup: ${formatDateTime(Date.parse(view.nextRuns[0]), p.schedule.timeZone)}`
            : 'No backup time is due.'
          : p.state === 'paused'
            ? 'Scheduled backups are paused.'
            : 'The backup schedule is stopped (stored backups kept).'}
      </Text>
      {elsewhere && (
        <Text data-testid="next-backup-host" size={200}>
          {view.scheduler!.owner
            ? `Scheduled backups run in the other console using this data folder: ${view.scheduler!.owner}.`
            : 'Another console using this data folder runs the scheduled backups; this one takes over when it closes.'}
        </Text>
      )}
      {last && (
        <Text data-testid="next-backup-last" size={200}>
          Last run {formatDateTime(last.at)}: {last.message}
        </Text>
      )}
    </span>
  );
}
