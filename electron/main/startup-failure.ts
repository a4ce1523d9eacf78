import { app, dialog } from 'electron';

/**
 * A step the desktop app cannot start without failed (the services, the security handlers, the page): tell the user
 * why in a message box (it works before `ready`) and on stderr, instead of leaving an unhandled rejection and a
 * window that never shows. With `quit`, the app then exits with status 1; nothing has run yet that needs closing.
 */
export function reportStartupFailure(what: string, err: unknown, opts: { quit: boolean }): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`${what}:`, err);
  dialog.showErrorBox('Offline Backup Console could not start', `${what}: ${message}`);
  if (opts.quit) app.exit(1);
}
