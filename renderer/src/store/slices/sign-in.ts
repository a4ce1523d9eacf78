import type { AuthStatus, CloudInfo } from '../../../../shared/contract/azure.ts';
import { api, errorMessage } from '../../api/client.ts';
import type { SliceCreator } from '../types.ts';

/**
 * The one sign-in state of the console: the title bar, the Sign in / out screen and every screen that needs Azure
 * (Schedule Backup, Prepare Disks, its shipping page) read it and sign in through it (SignInPanel). The host's
 * auth:changed and auth:signInUrl events keep it current (store/subscriptions.ts).
 */
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
  /** The sign-in page's address while a sign-in this page started runs (browser mode opens it in a new window). */
  showSignInUrl(url: string): void;
  /** Interactive sign-in; resolves to the new status, or null when it failed or was cancelled (authError says why). */
  signIn(): Promise<AuthStatus | null>;
  cancelSignIn(): Promise<void>;
  signOut(): Promise<void>;
  chooseCloud(name: string): Promise<void>;
}

export type AuthSlice = AuthState & AuthActions;

export const initAuthState: AuthState = { auth: null, clouds: [], authBusy: null, authError: null, authSignInUrl: null };

export const createAuthSlice: SliceCreator<AuthSlice> = (set, get) => ({
  ...initAuthState,
  async loadAuth() {
    // The status and the cloud list are read apart: a failing cloud list does not hide who is signed in.
    const [auth, clouds] = await Promise.allSettled([api.invoke('auth:status', {}), api.invoke('azure:clouds', {})]);
    if (auth.status === 'fulfilled') set({ auth: auth.value, authError: null });
    else set({ authError: errorMessage(auth.reason) });
    if (clouds.status === 'fulfilled') set({ clouds: clouds.value.clouds });
  },
  applyAuth(auth) {
    set({ auth });
  },
  showSignInUrl(url) {
    // Only for a sign-in started here: another console's sign-in does not open windows in this one.
    if (get().authBusy !== 'signIn') return;
    set({ authSignInUrl: url });
    if (api.kind !== 'electron') window.open(url, '_blank', 'noopener');
  },
  async signIn() {
    set({ authBusy: 'signIn', authError: null, authSignInUrl: null });
    try {
      const auth = await api.invoke('auth:signIn', {});
      set({ auth });
      return auth;
    } catch (err) {
      set({ authError: errorMessage(err) });
      return null;
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
