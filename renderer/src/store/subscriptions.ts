import { api } from '../api/client.ts';
import { isFinished, type TaskSnapshot } from '../../../shared/task.ts';
import { useAppStore } from './index.ts';

/**
 * Wires host events into the store, once for the app's lifetime. Each time the link (re)connects the renderer
 * resyncs: task:list (events may have been missed), settings and app info.
 * Returns a function that removes every subscription (tests, hot reload).
 */
export function wireSubscriptions(): () => void {
  const s = () => useAppStore.getState();
  /** A task ended: the screens that show what it changed read it again (events, not reloads). */
  const afterTask = (task: TaskSnapshot) => {
    const st = s();
    if (task.kind === 'backup' || task.kind === 'scheduled' || task.kind === 'diskprep') {
      // Staging jobs (a backup finished a job), the Disk Prep state of the chosen job.
      if (st.diskPrep.defaultsLoaded) void st.refreshDiskPrep();
      // Back Up Now on its confirmation page: the job in the staging location may now be complete.
      if (task.kind !== 'diskprep' && !st.backUpNow.taskId && st.backUpNow.step === 'confirm') void st.checkBackupJob();
    }
    if (task.kind === 'importVerify') void st.loadVerifyReport();
  };
  const resync = () => {
    void s().refreshTasks();
    void s().loadSettings();
    void s().loadAppInfo();
    void s().loadPolicyView();
    void s().loadAuth();
  };
  const offs = [
    api.on('task:updated', (task) => {
      const before = s().tasks[task.id]?.status;
      s().upsertTask(task);
      if (isFinished(task.status) && before !== undefined && !isFinished(before)) afterTask(task);
    }),
    api.on('task:removed', ({ id }) => s().removeTask(id)),
    api.on('settings:changed', (settings) => s().applySettings(settings)),
    api.on('policy:changed', (view) => s().applyPolicyView(view)),
    api.on('auth:changed', (status) => s().applyAuth(status)),
    api.on('auth:signInUrl', ({ url }) => s().showSignInUrl(url)),
    api.onStatus((status) => {
      const wasConnected = s().connection.state === 'connected';
      s().setConnection(status);
      if (status.state === 'connected' && !wasConnected) resync();
    }),
  ];
  const initial = api.status();
  s().setConnection(initial);
  if (initial.state === 'connected') resync();
  return () => {
    for (const off of offs) off();
  };
}
