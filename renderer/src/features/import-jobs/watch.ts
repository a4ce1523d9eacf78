import { api } from '../../api/client.ts';
import { useAppStore } from '../../store/index.ts';
import { refreshDelayMs } from '../../store/slices/import-jobs.ts';

/**
 * Keeps the import job list fresh app-wide while signed in (every minute, backing off after failures), so state
 * changes and near deadlines are noticed on any screen (ImportJobsNotices shows them). The console shell starts it
 * once (ConsoleShell's effect); returns the stop function. On the Import Jobs screen the screen refreshes itself.
 */
export function watchImportJobs(firstDelayMs = 5_000): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    try {
      if ((await api.invoke('auth:status', {})).signedIn && useAppStore.getState().screen !== 'importJobs')
        await useAppStore.getState().refreshImportJobs();
    } catch {
      /* not connected or not signed in: try again later */
    }
    if (!stopped) timer = setTimeout(() => void tick(), refreshDelayMs(useAppStore.getState().importJobs.failures));
  };
  timer = setTimeout(() => void tick(), firstDelayMs);
  const off = api.on('auth:changed', (st) => {
    if (st.signedIn) void useAppStore.getState().refreshImportJobs();
  });
  return () => {
    stopped = true;
    clearTimeout(timer);
    off();
  };
}
