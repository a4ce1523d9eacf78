import { api, errorMessage } from '../../api/client.ts';
import type { SliceCreator } from '../types.ts';
import type { SandboxState, SandboxSlice } from '../state/sandbox.ts';

export const initSandboxState: SandboxState = { sandbox: null, sandboxBusy: null, sandboxError: null };

export const createSandboxSlice: SliceCreator<SandboxSlice> = (set, get) => ({
  ...initSandboxState,
  async loadSandbox() {
    try {
      set({ sandbox: await api.invoke('sandbox:status', {}), sandboxError: null });
    } catch (err) {
      set({ sandboxError: errorMessage(err) });
    }
  },
  async startSandbox() {
    set({ sandboxBusy: 'start', sandboxError: null });
    try {
      const sandbox = await api.invoke('sandbox:start', {});
      set({ sandbox });
      if (get().auth?.cloud !== sandbox.cloudName) await get().chooseCloud(sandbox.cloudName);
      else await get().loadAuth();
    } catch (err) {
      set({ sandboxError: errorMessage(err) });
    } finally {
      set({ sandboxBusy: null });
    }
  },
  async stopSandbox() {
    set({ sandboxBusy: 'stop', sandboxError: null });
    try {
      set({ sandbox: await api.invoke('sandbox:stop', {}) });
      await get().loadAuth();
    } catch (err) {
      set({ sandboxError: errorMessage(err) });
    } finally {
      set({ sandboxBusy: null });
    }
  },
});
