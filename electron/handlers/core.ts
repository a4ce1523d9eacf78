import type { HandlerSlice } from './types.ts';
import type { coreInvoke } from '../../shared/contract/core.ts';
import { appVersion } from '../services/app-version.ts';
import { browse } from '../services/browse.ts';
import { sleep } from '../services/sleep.ts';

export const coreHandlers: HandlerSlice<keyof typeof coreInvoke> = {
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
        await sleep(intervalMs, t.signal);
        t.progress({ done: i });
        t.message(`Step ${i} of ${steps}`);
      }
      return { steps };
    });
    return { taskId: snap.id };
  },
};
