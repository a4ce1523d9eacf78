import { BrowserWindow, nativeTheme } from 'electron';
import { join } from 'node:path';
import { repoRoot, rendererDist } from '../services/paths.ts';
import { reportStartupFailure } from './startup-failure.ts';

/** The ONE window factory: isolation, sandbox, no Node in the page, shown when ready. */
export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Offline Backup Console',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1f1f1f' : '#ffffff',
    webPreferences: {
      preload: join(repoRoot, 'out', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      // Middle-click must not open links in new windows (Electronegativity AUXCLICK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => {
    if (process.env.OBC_HIDE_WINDOW !== '1') win.show();
  });
  // A page that cannot load leaves an empty window: say why (the window stays, so the app can still be closed).
  win
    .loadFile(join(rendererDist(), 'index.html'))
    .catch((err: unknown) => reportStartupFailure('The console page could not load', err, { quit: false }));
  return win;
}
