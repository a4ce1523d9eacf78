import { appendFile, mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Keys whose values never reach the log, at any level (matched case-insensitively, anywhere in the key). */
const SECRET_KEY = /pass(word|phrase)?|secret|token|key|credential|authorization|cookie|pem|bitlocker|sas|signature/i;
const MAX_STRING = 500;

/** Deep copy with secret-looking keys replaced and long strings cut; safe for any JSON-ish value. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[…]';
  if (typeof value === 'string')
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(${value.length} chars)` : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

/**
 * The console's activity log: JSON lines in `<dataDir>/logs/obc-YYYY-MM-DD.log`, kept 30 days. The level comes
 * from Settings (`logLevel`). Fields pass through `redact`, and callers log names, codes and counts — never
 * payload secrets (passphrases, tokens, keys).
 */
export class ActivityLog {
  private readonly dir: string;
  private readonly level: () => LogLevel;
  private chain: Promise<void> = Promise.resolve();
  private pruned = false;

  constructor(dataDir: string, level: () => LogLevel) {
    this.dir = join(dataDir, 'logs');
    this.level = level;
  }

  write(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
    if (ORDER[level] > ORDER[this.level()]) return;
    const now = new Date();
    const line = JSON.stringify({ time: now.toISOString(), level, event, ...(redact(fields) as object) }) + '\n';
    const file = join(this.dir, `obc-${now.toISOString().slice(0, 10)}.log`);
    this.chain = this.chain
      .then(async () => {
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        await appendFile(file, line, { mode: 0o600 });
        if (!this.pruned) {
          this.pruned = true;
          await this.prune(now);
        }
      })
      .catch(() => undefined); // logging never breaks the operation it describes
  }

  /** Resolves when everything written so far is on disk (tests, shutdown). */
  flush(): Promise<void> {
    return this.chain;
  }

  private async prune(now: Date): Promise<void> {
    const cutoff = new Date(now.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
    for (const name of await readdir(this.dir)) {
      const m = /^obc-(\d{4}-\d{2}-\d{2})\.log$/.exec(name);
      if (m && m[1] < cutoff) await unlink(join(this.dir, name)).catch(() => undefined);
    }
  }
}
