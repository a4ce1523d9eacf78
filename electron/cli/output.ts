import { toIpcError } from '../../shared/errors.ts';
import { isFinished, type TaskSnapshot } from '../../shared/task.ts';
import { formatBytes } from '../../shared/format-bytes.ts';

export const EXIT = { ok: 0, failure: 1, usage: 2, warnings: 3, needsCapacity: 4 } as const;

/** One JSON object per line on stdout (machine mode). */
export function jsonLine(obj: unknown): void {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a terminal raw
const UNPRINTABLE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * One line safe to print on a terminal: control characters (C0 with tab and newline, DEL, C1), bidirectional
 * overrides and line separators are shown escaped (`\x1B`, `\u202E`), so a file name cannot move the cursor,
 * recolour the screen, add a line or reorder what is shown. Catalog names are already escaped this way; this
 * catches the rest (paths in system error messages, for one).
 */
export function printable(text: string, o: { keepNewlines?: boolean } = {}): string {
  return text.replace(UNPRINTABLE, (ch) => {
    if (ch === '\n' && o.keepNewlines) return ch;
    const c = ch.charCodeAt(0);
    return c <= 0xff
      ? `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`
      : `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

/** One line for a human on stdout or stderr, escaped (printable). */
export function humanLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(printable(text) + '\n');
}

export function printError(err: unknown, json: boolean): void {
  const e = toIpcError(err);
  if (json) jsonLine({ type: 'error', error: e });
  // Some messages list their findings one per line (a policy file's problems): those newlines stay.
  else process.stderr.write(printable(`error: ${e.message}`, { keepNewlines: true }) + '\n');
}

/** The console's byte formatter (shared/format-bytes.ts), so `obc` prints the figures the console shows. */
export { formatBytes };

/** Human progress on a TTY (one rewritten line), plain lines otherwise; JSON lines with --json. */
export function taskReporter(json: boolean): (s: TaskSnapshot) => void {
  let last = 0;
  const tty = process.stderr.isTTY;
  return (s) => {
    if (json) {
      jsonLine({ type: 'task', task: s });
      return;
    }
    const now = Date.now();
    const final = isFinished(s.status) || s.status === 'waiting'; // a waiting task's message says what it waits for
    if (!final && now - last < (tty ? 200 : 2000)) return;
    last = now;
    const p = s.progress;
    const pct = p.total ? ` ${((100 * p.done) / p.total).toFixed(1)}%` : '';
    const amount =
      p.unit === 'bytes'
        ? `${formatBytes(p.done)}${p.total ? ` of ${formatBytes(p.total)}` : ''}`
        : `${p.done}${p.total ? `/${p.total}` : ''}`;
    const rate = p.rate ? ` · ${p.unit === 'bytes' ? `${formatBytes(p.rate)}/s` : `${p.rate.toFixed(1)}/s`}` : '';
    const eta = p.etaSeconds !== undefined ? ` · ETA ${Math.ceil(p.etaSeconds)} s` : '';
    const line = printable(`${s.title}:${pct} ${amount}${rate}${eta}${s.message ? ` · ${s.message}` : ''}`);
    if (tty && !final) process.stderr.write(`\r\x1b[K${line}`);
    else process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);
  };
}

/** Maps a finished task to the documented exit code. */
export function exitCodeFor(s: TaskSnapshot): number {
  if (s.status === 'succeeded') return EXIT.ok;
  if (s.status === 'succeededWithWarnings') return EXIT.warnings;
  return EXIT.failure;
}
