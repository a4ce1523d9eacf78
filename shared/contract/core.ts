import { z } from 'zod';
import { channel } from './define.ts';
import type { TaskSnapshot } from '../task.ts';
import { zPath } from '../validators/path.ts';

export const THEMES = ['system', 'light', 'dark', 'highContrast'] as const;
export type ThemeChoice = (typeof THEMES)[number];

export const settingsSchema = z
  .object({
    theme: z.enum(THEMES),
    /** Cloud name from the Azure layer's cloud list (e.g. 'AzurePublic', 'LocalSandbox'). */
    cloud: z.string().min(1).max(64),
    /** Optional override of the public client id used for MSAL sign-in. */
    clientId: z.string().max(64).optional(),
    logLevel: z.enum(['error', 'warn', 'info', 'debug']),
    /** Last staging location used, offered again by Disk Prep. */
    lastStagingLocation: z.string().max(4096).optional(),
    firstRunDismissed: z.boolean(),
  })
  .strict();
export type Settings = z.infer<typeof settingsSchema>;
/** settings:set's request, as parsed: any of the settings (zod types a field it may omit as `T | undefined`). */
export type SettingsPatch = { [K in keyof Settings]?: Settings[K] | undefined };

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  cloud: 'AzurePublic',
  logLevel: 'info',
  firstRunDismissed: false,
};

export interface AppInfo {
  name: string;
  version: string;
  host: 'electron' | 'browser';
  platform: string;
  dataDir: string;
  /** The OS locale (BCP 47) of the host: the console writes dates in its format. */
  locale?: string;
  /** Test-only channels are live (OBC_TEST_HOOKS=1). */
  testHooks: boolean;
}

export interface DirEntry {
  name: string;
  path: string;
  kind: 'dir' | 'file' | 'link';
  size?: number;
}
export interface BrowseResult {
  path: string;
  parent: string | null;
  entries: DirEntry[];
  /** Drive roots / mount points to jump to. */
  roots: string[];
}

const empty = z.object({}).strict();
const taskId = z.object({ id: z.string().min(1).max(64) }).strict();

export const coreInvoke = {
  'app:info': channel<AppInfo>()(empty),
  'task:list': channel<TaskSnapshot[]>()(empty),
  'task:get': channel<TaskSnapshot>()(taskId),
  'task:cancel': channel<TaskSnapshot>()(taskId),
  'task:dismiss': channel<void>()(taskId),
  'settings:get': channel<Settings>()(empty),
  'settings:set': channel<Settings>()(settingsSchema.partial().strict()),
  /** Desktop: native folder dialog. Browser mode: returns null and the renderer shows the server-side browser. */
  'dialog:pickFolder': channel<{ path: string | null; useBrowser: boolean }>()(
    z.object({ title: z.string().max(200).optional(), defaultPath: zPath.optional() }).strict(),
  ),
  /** Server-side folder browser (browser mode and the "Add items" picker). */
  'fs:browse': channel<BrowseResult>()(
    z.object({ path: zPath.optional(), includeFiles: z.boolean().optional() }).strict(),
  ),
  /** Test-only (OBC_TEST_HOOKS=1): a task that counts to `steps` every `intervalMs`. */
  'test:demoTask': channel<{ taskId: string }>()(
    z.object({ steps: z.number().int().min(1).max(100000), intervalMs: z.number().int().min(1).max(10000) }).strict(),
  ),
};

export interface CoreEvents {
  'task:updated': TaskSnapshot;
  'task:removed': { id: string };
  'settings:changed': Settings;
}
