import type { AuthStatus, CloudInfo } from '../../../../shared/contract/azure.ts';
import { api, errorMessage } from '../../api/client.ts';
import type { SliceCreator } from '../types.ts';

/** The console-wide sign-in state (title bar, Sign in / out screen); wizards read it too. */
export interface AuthState {
  auth: AuthStatus | null;
  clouds: CloudInfo[];
  authBusy: 'signIn' | 'signOut' | null;
  authError: string | null;
  /** The page to open while a sign-in runs (browser mode; shown as a link too). */
  authSignInUrl: string | null;
}

export interface AuthActions {
  loadAuth(): Promise<void>;
  applyAuth(status: AuthStatus): void;
  setAuthSignInUrl(url: string | null): void;
  signIn(): Promise<void>;
  cancelSignIn(): Promise<void>;
  signOut(): Promise<void>;
  chooseCloud(name: string): Promise<void>;
}

export type AuthSlice = AuthState & AuthActions;

export const initAuthState: AuthState = { auth: null, clouds: [], authBusy: null, authError: null, authSignInUrl: null };

export const createAuthSlice: SliceCreator<AuthSlice> = (set, get) => ({
  ...initAuthState,
  async loadAuth() {
    try {
      const [auth, clouds] = await Promise.all([api.invoke('auth:status', {}), api.invoke('azure:clouds', {})]);
      set({ auth, clouds: clouds.clouds, authError: null });
    } catch (err) {
      set({ authError: errorMessage(err) });
    }
  },
  applyAuth(auth) {
    set({ auth });
  },
  setAuthSignInUrl(url) {
    set({ authSignInUrl: url });
  },
  async signIn() {
    set({ authBusy: 'signIn', authError: null, authSignInUrl: null });
    try {
      set({ auth: await api.invoke('auth:signIn', {}) });
    } catch (err) {
      set({ authError: errorMessage(err) });
    } finally {
      set({ authBusy: null, authSignInUrl: null });
    }
  },
  async cancelSignIn() {
    try {
      await api.invoke('auth:cancelSignIn', {});
    } catch (err) {
      set({ authError: errorMessage(err) });
    }
  },
  async signOut() {
    set({ authBusy: 'signOut', authError: null });
    try {
      set({ auth: await api.invoke('auth:signOut', {}) });
    } catch (err) {
      set({ authError: errorMessage(err) });
    } finally {
      set({ authBusy: null });
    }
  },
  async chooseCloud(name) {
    await get().updateSettings({ cloud: name });
    await get().loadAuth();
  },
});
