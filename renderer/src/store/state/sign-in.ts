/**
 * State and actions of the sign-in slice (slices/sign-in.ts). Types only, importing nothing from the store, so
 * store/types.ts composes them without an import cycle.
 */
import type { AuthStatus, CloudInfo } from '../../../../shared/contract/azure.ts';

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
