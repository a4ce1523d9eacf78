import { app, BrowserWindow } from 'electron';
import { createServices, type Services } from '../services/index.ts';
import { resolveDataDir } from '../services/paths.ts';
import { applySecurityRestrictions, isSignInUrl } from './security.ts';
import { createMainWindow } from './window.ts';
import { registerIpc, trustWebContents } from './ipc.ts';

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

  app.whenReady().then(async () => {
    const { shell } = await import('electron');
    services = await createServices({
      dataDir: resolveDataDir(app.getPath('userData')),
      // Sign-in opens in the system browser: MSAL's loopback redirect returns there, and the page never gets Node.
      openUrl: async (url) => {
        if (!isSignInUrl(url)) throw new Error('Refusing to open a sign-in address that is not https.');
        await shell.openExternal(url);
      },
    });
    registerIpc(services);
    openWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !services) return;
    event.preventDefault();
    quitting = true;
    void services.close().finally(() => app.quit());
  });
}
