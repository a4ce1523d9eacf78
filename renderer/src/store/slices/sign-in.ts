import { api, errorMessage } from '../../api/client.ts';
import type { SliceCreator } from '../types.ts';
import type { AuthState, AuthSlice } from '../state/sign-in.ts';

export const initAuthState: AuthState = {
  auth: null,
  clouds: [],
  authBusy: null,
  authError: null,
  authSignInUrl: null,
};

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
