import { app, session, shell, type WebContents } from 'electron';
import { reportStartupFailure } from './startup-failure.ts';

/** External links the console may open in the user's browser (documentation, portal). https only. */
const EXTERNAL_ALLOW = [
  /^https:\/\/learn\.microsoft\.com\//,
  /^https:\/\/portal\.azure\.com\//,
  /^https:\/\/portal\.azure\.us\//,
  /^https:\/\/portal\.azure\.cn\//,
];

export function isAllowedExternal(url: string): boolean {
  return EXTERNAL_ALLOW.some((re) => re.test(url));
}

/**
 * Sign-in pages come from the cloud's authority (https) or, for the Local sandbox, from a loopback page that
 * forwards to it (http://localhost / 127.0.0.1 only). Nothing else is handed to the system browser.
 */
export function isSignInUrl(url: string): boolean {
  try {
    const u = new URL(url);
    if (u.username || u.password) return false;
    if (u.protocol === 'https:') return true;
    return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1');
  } catch {
    return false;
  }
}

/** Podman Desktop's security-restrictions, in one place: no navigation, no new windows, no permissions. */
export function applySecurityRestrictions(): void {
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (url !== contents.getURL()) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternal(url))
        shell.openExternal(url).catch((err: unknown) => console.error(`Could not open ${url}:`, err));
      return { action: 'deny' };
    });
  });
  app
    .whenReady()
    .then(() => {
      session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
      session.defaultSession.setPermissionCheckHandler(() => false);
    })
    // Without these handlers the app must not run.
    .catch((err: unknown) => reportStartupFailure('The permission handlers could not be set', err, { quit: true }));
}
