/** Machine-readable error codes that cross every boundary (IPC, WebSocket, CLI JSON output). */
export const ERROR_CODES = [
  'VALIDATION', // a payload or argument failed its schema; details.issues lists each field
  'UNKNOWN_CHANNEL',
  'UNAUTHORIZED', // browser-mode token/origin or an untrusted IPC sender
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT', // the operation does not fit the current state (job already complete, task finished…)
  'CANCELLED',
  'PERMISSION_DENIED',
  'NO_SPACE', // a volume or disk cannot hold what is asked of it
  'WRONG_PASSPHRASE',
  'CORRUPT_DATA', // staging, catalog, manifest, journal or descriptor failed its checks
  'IO',
  'SIGNIN_REQUIRED', // no account, or the sign-in expired or was revoked
  'SIGNIN_CANCELLED',
  'AZURE', // an Azure (or sandbox) REST error; details.azureCode carries the service's code
  'THROTTLED',
  'NETWORK',
  'UNSUPPORTED', // not possible on this platform/host (e.g. BitLocker off Windows)
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type Serializable = string | number | boolean | null | Serializable[] | { [key: string]: Serializable };

export interface IpcError {
  code: ErrorCode;
  message: string;
  details?: { [key: string]: Serializable };
}

/** The error type every service throws on purpose; hosts turn it into an IpcError value. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: { [key: string]: Serializable };
  constructor(code: ErrorCode, message: string, details?: { [key: string]: Serializable }) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    if (details) this.details = details;
  }
  toJSON(): IpcError {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Node's system errors read "ENOTDIR: not a directory, open '/srv/x/seed.json'": the words, not the errno code, reach
 * the user ("Not a directory: /srv/x/seed.json"); the code stays in IpcError.code. Other messages pass unchanged.
 */
export function plainSystemMessage(message: string): string {
  const m = /^E[A-Z]+: ([^,]+)(?:, \w+(?: '([^']*)'(?: -> '([^']*)')?)?)?$/.exec(message);
  if (!m) return message;
  const words = m[1].charAt(0).toUpperCase() + m[1].slice(1);
  return m[2] ? `${words}: ${m[2]}${m[3] ? ` → ${m[3]}` : ''}` : words;
}

/** Converts anything thrown into an IpcError without leaking stack traces (or errno codes in the message). */
export function toIpcError(err: unknown): IpcError {
  if (err instanceof AppError) return err.toJSON();
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; code?: unknown; message?: unknown };
    if (e.name === 'AbortError') return { code: 'CANCELLED', message: 'Cancelled.' };
    if (isErrorCode(e.code) && typeof e.message === 'string') return { code: e.code, message: e.message };
    const sys = typeof e.code === 'string' ? e.code : '';
    const msg = plainSystemMessage(typeof e.message === 'string' ? e.message : String(err));
    if (sys === 'ENOSPC') return { code: 'NO_SPACE', message: msg };
    if (sys === 'EACCES' || sys === 'EPERM' || sys === 'EROFS') return { code: 'PERMISSION_DENIED', message: msg };
    if (sys === 'ENOENT') return { code: 'NOT_FOUND', message: msg };
    if (sys.startsWith('E')) return { code: 'IO', message: msg };
    return { code: 'INTERNAL', message: msg };
  }
  return { code: 'INTERNAL', message: String(err) };
}
