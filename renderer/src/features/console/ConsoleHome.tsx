/** The console's home screen: the first-run guide (until dismissed), the next scheduled backup, the Jobs view and obc agent. */
import { FirstRunPanel } from './FirstRunPanel.tsx';
import { JobsView } from '../jobs/JobsView.tsx';
import { NextBackupLine } from '../schedule-backup/NextBackupLine.tsx';
import { AgentPanel } from '../agent/AgentPanel.tsx';

export function ConsoleHome() {
  return (
    <div style={{ display: 'grid', gap: 20 }}>
      <FirstRunPanel />
      <NextBackupLine />
      <JobsView />
      <AgentPanel />
    </div>
  );
}
