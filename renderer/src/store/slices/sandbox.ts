import type { SandboxStatusView } from '../../../../shared/contract/sandbox.ts';
import { api, errorMessage } from '../../api/client.ts';
import type { SliceCreator } from '../types.ts';

/** The Local sandbox run from inside the console (rehearsal): its status, start/stop. */
export interface SandboxState {
  sandbox: SandboxStatusView | null;
  sandboxBusy: 'start' | 'stop' | null;
  sandboxError: string | null;
}

export interface SandboxActions {
  loadSandbox(): Promise<void>;
  /** Starts it and switches the console to the Local sandbox cloud (starting it means: rehearse now). */
  startSandbox(): Promise<void>;
  stopSandbox(): Promise<void>;
}

export type SandboxSlice = SandboxState & SandboxActions;

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
