import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { DEFAULT_SETTINGS, settingsSchema, type Settings, type SettingsPatch } from '../../../shared/contract/core.ts';
import { readJsonValidated, writeJsonAtomic } from '../store/atomic.ts';

/** settings.json in the data dir, written atomically; a corrupt file is kept aside and the defaults are used. */
export class SettingsStore extends EventEmitter<{ changed: [Settings] }> {
  private current: Settings = { ...DEFAULT_SETTINGS };
  /** Set when the file on disk was unreadable at load; shown once in the console. */
  loadProblem: string | null = null;
  private readonly file: string;

  constructor(dataDir: string) {
    super();
    this.file = join(dataDir, 'settings.json');
  }

  async load(): Promise<Settings> {
    const r = await readJsonValidated(this.file, settingsSchema.partial());
    if (r.status === 'ok') this.current = settingsSchema.parse({ ...DEFAULT_SETTINGS, ...r.value });
    if (r.status === 'corrupt')
      this.loadProblem = `Settings file was damaged (${r.reason}); kept as ${r.keptAs} and defaults are used.`;
    return this.get();
  }

  get(): Settings {
    return { ...this.current };
  }

  async set(patch: SettingsPatch): Promise<Settings> {
    const next = settingsSchema.parse({ ...this.current, ...patch });
    await writeJsonAtomic(this.file, next);
    this.current = next;
    this.emit('changed', this.get());
    return this.get();
  }
}
