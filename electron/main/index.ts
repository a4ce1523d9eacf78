import { app, BrowserWindow } from 'electron';
import { createServices, type Services } from '../services/index.ts';
import { resolveDataDir } from '../services/paths.ts';
import { applySecurityRestrictions, isSignInUrl } from './security.ts';
import { createMainWindow } from './window.ts';
import { registerIpc, trustWebContents } from './ipc.ts';
import { createSafeStorageProtector } from './safe-storage-protector.ts';
import { reportStartupFailure } from './startup-failure.ts';

/** Desktop host: lifecycle only; everything else is in services/ and handlers/. */
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  if (process.env.OBC_DATA_DIR) app.setPath('userData', resolveDataDir());
  process.env.OBC_APP_VERSION = app.getVersion();
  applySecurityRestrictions();
  let services: Services | null = null;
  let mainWindow: BrowserWindow | null = null;

  const openWindow = () => {
    mainWindow = createMainWindow();
    trustWebContents(mainWindow.webContents);
    mainWindow.on('closed', () => (mainWindow = null));
  };

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app
    .whenReady()
    .then(async () => {
      const { shell, safeStorage } = await import('electron');
      const dataDir = resolveDataDir(app.getPath('userData'));
      services = await createServices({
        dataDir,
        // Secrets at rest (token cache, certificate key, passphrase wrap) go through the OS key store.
        protector: createSafeStorageProtector(safeStorage, dataDir),
        // Sign-in opens in the system browser: MSAL's loopback redirect returns there, and the page never gets Node.
        openUrl: async (url) => {
          if (!isSignInUrl(url))
            throw new Error('Refusing to open a sign-in address that is neither https nor this machine (loopback).');
          await shell.openExternal(url);
        },
      });
      registerIpc(services);
      openWindow();
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) openWindow();
      });
    })
    .catch((err: unknown) => reportStartupFailure('The services could not start', err, { quit: true }));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !services) return;
    event.preventDefault();
    quitting = true;
    // Fire and forget from an event handler that cannot wait; a failed close is logged and the app quits anyway.
    void services
      .close()
      .catch((err: unknown) => console.error('Closing the services failed:', err))
      .finally(() => app.quit());
  });
}
