/**
 * State and actions of the sandbox slice (slices/sandbox.ts). Types only, importing nothing from the store, so
 * store/types.ts composes them without an import cycle.
 */
import type { SandboxStatusView } from '../../../../shared/contract/sandbox.ts';

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
