/** The console's home screen: the first-run guide (until dismissed) and the Jobs view. */
import { FirstRunPanel } from './FirstRunPanel.tsx';
import { JobsView } from '../jobs/JobsView.tsx';

export function ConsoleHome() {
  return (
    <div style={{ display: 'grid', gap: 20 }}>
      <FirstRunPanel />
      <JobsView />
    </div>
  );
}
