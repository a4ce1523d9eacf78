import { api } from '../api/client.ts';
import { useAppStore } from './index.ts';

/**
 * Wires host events into the store, once for the app's lifetime. Each time the link (re)connects the renderer
 * resyncs: task:list (events may have been missed), settings and app info.
 * Returns a function that removes every subscription (tests, hot reload).
 */
export function wireSubscriptions(): () => void {
  const s = () => useAppStore.getState();
  const resync = () => {
    void s().refreshTasks();
    void s().loadSettings();
    void s().loadAppInfo();
    void s().loadPolicyView();
    void s().loadAuth();
  };
  const offs = [
    api.on('task:updated', (task) => s().upsertTask(task)),
    api.on('task:removed', ({ id }) => s().removeTask(id)),
    api.on('settings:changed', (settings) => s().applySettings(settings)),
    api.on('policy:changed', (view) => s().applyPolicyView(view)),
    api.on('auth:changed', (status) => s().applyAuth(status)),
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
