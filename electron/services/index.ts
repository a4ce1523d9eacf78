import { mkdir } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import type { EventMap } from '../../shared/ipc.ts';
import { TaskManager } from './tasks/task-manager.ts';
import { SettingsStore } from './settings/settings-store.ts';

export interface ServicesOptions {
  dataDir: string;
  /** Opens a URL for the user (sign-in page): Electron's shell/auth window, the browser page, or the CLI's browser. */
  openUrl?: (url: string) => Promise<void>;
  testHooks?: boolean;
}

/** Every event the hosts forward to the renderer; services emit on it (`services.events.emit('auth:changed', …)`). */
export type ServiceEvents = EventEmitter<{ [E in keyof EventMap]: [EventMap[E]] }>;

/** The composition root shared by both hosts and the CLI: one instance of every service. */
export interface Services {
  events: ServiceEvents;
  dataDir: string;
  testHooks: boolean;
  tasks: TaskManager;
  settings: SettingsStore;
  openUrl: (url: string) => Promise<void>;
  close(): Promise<void>;
}

export async function createServices(opts: ServicesOptions): Promise<Services> {
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const tasks = new TaskManager();
  const settings = new SettingsStore(opts.dataDir);
  await settings.load();
  const events: ServiceEvents = new EventEmitter();
  events.setMaxListeners(100);
  tasks.on('updated', (s) => events.emit('task:updated', s));
  tasks.on('removed', (r) => events.emit('task:removed', r));
  settings.on('changed', (s) => events.emit('settings:changed', s));
  return {
    events,
    dataDir: opts.dataDir,
    testHooks: opts.testHooks ?? process.env.OBC_TEST_HOOKS === '1',
    tasks,
    settings,
    openUrl: opts.openUrl ?? (async () => undefined),
    async close() {
      await tasks.shutdown();
    },
  };
}
