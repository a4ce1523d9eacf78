import { readdir, stat } from 'node:fs/promises';
import { dirname, join, parse, resolve } from 'node:path';
import { homedir, platform } from 'node:os';
import { AppError } from '../../shared/errors.ts';
import type { BrowseResult, DirEntry } from '../../shared/contract/core.ts';
import type { HandlerSlice } from './types.ts';
import { appVersion } from '../services/app-version.ts';

type CoreChannel =
  | 'app:info'
  | 'task:list'
  | 'task:get'
  | 'task:cancel'
  | 'task:dismiss'
  | 'settings:get'
  | 'settings:set'
  | 'dialog:pickFolder'
  | 'fs:browse'
  | 'test:demoTask';

async function listRoots(): Promise<string[]> {
  if (platform() !== 'win32') return ['/', homedir()];
  const letters = 'CDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
  const found = await Promise.all(letters.map(async (l) => ((await stat(`${l}:\\`).catch(() => null)) ? `${l}:\\` : null)));
  return found.filter((x): x is string => x !== null);
}

export async function browse(pathIn: string | undefined, includeFiles: boolean): Promise<BrowseResult> {
  const path = resolve(pathIn ?? homedir());
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new AppError('NOT_FOUND', `Folder not found: ${path}`, { path });
  }
  if (!st.isDirectory()) throw new AppError('VALIDATION', `Not a folder: ${path}`, { path });
  let dirents;
  try {
    dirents = await readdir(path, { withFileTypes: true });
  } catch (err) {
    throw new AppError('PERMISSION_DENIED', `Cannot read ${path}: ${(err as Error).message}`, { path });
  }
  const entries: DirEntry[] = [];
  for (const d of dirents) {
    const full = join(path, d.name);
    if (d.isDirectory()) entries.push({ name: d.name, path: full, kind: 'dir' });
    else if (d.isSymbolicLink()) entries.push({ name: d.name, path: full, kind: 'link' });
    else if (includeFiles && d.isFile()) {
      const s = await stat(full).catch(() => null);
      entries.push({ name: d.name, path: full, kind: 'file', ...(s ? { size: s.size } : {}) });
    }
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  const root = parse(path).root;
  return { path, parent: path === root ? null : dirname(path), entries, roots: await listRoots() };
}

export const coreHandlers: HandlerSlice<CoreChannel> = {
  'app:info': async (_req, { services, host }) => ({
    name: 'Offline Backup Console',
    version: appVersion(),
    host,
    platform: process.platform,
    dataDir: services.dataDir,
    locale: Intl.DateTimeFormat().resolvedOptions().locale,
    testHooks: services.testHooks,
  }),
  'task:list': async (_req, { services }) => services.tasks.list(),
  'task:get': async ({ id }, { services }) => services.tasks.get(id),
  'task:cancel': async ({ id }, { services }) => services.tasks.cancel(id),
  'task:dismiss': async ({ id }, { services }) => services.tasks.dismiss(id),
  'settings:get': async (_req, { services }) => services.settings.get(),
  'settings:set': async (patch, { services }) => services.settings.set(patch),
  'dialog:pickFolder': async (req, ctx) => {
    if (!ctx.pickFolderNative) return { path: null, useBrowser: true };
    return { path: await ctx.pickFolderNative(req), useBrowser: false };
  },
  'fs:browse': async ({ path, includeFiles }) => browse(path, includeFiles ?? false),
  'test:demoTask': async ({ steps, intervalMs }, { services }) => {
    const snap = services.tasks.start('demo', `Demo task (${steps} steps)`, async (t) => {
      t.progress({ done: 0, total: steps, unit: 'steps' });
      for (let i = 1; i <= steps; i++) {
        await new Promise<void>((res, rej) => {
          const timer = setTimeout(res, intervalMs);
          t.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            rej(t.signal.reason);
          }, { once: true });
        });
        t.progress({ done: i });
        t.message(`Step ${i} of ${steps}`);
      }
      return { steps };
    });
    return { taskId: snap.id };
  },
};
