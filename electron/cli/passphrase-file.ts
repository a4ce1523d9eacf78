import { readFile, stat } from 'node:fs/promises';
import { AppError } from '../../shared/errors.ts';
import { humanLine } from './output.ts';

/**
 * Reads the passphrase file (one trailing newline is not part of the passphrase). A file other users can read or
 * write (POSIX mode bits) gets a warning on stderr: the passphrase opens every backup of the job.
 */
export async function readPassphraseFile(
  path: string,
  warn: (text: string) => void = (t) => humanLine(process.stderr, `warning: ${t}`),
): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AppError('VALIDATION', `Cannot read the passphrase file ${path}: ${(err as Error).message}`, { path });
  }
  const mode = process.platform === 'win32' ? 0 : ((await stat(path).catch(() => null))?.mode ?? 0) & 0o777;
  if (mode & 0o077)
    warn(
      `the passphrase file ${path} can be read or changed by other users (mode ${mode.toString(8).padStart(4, '0')}); make it yours alone: chmod 600 ${path}`,
    );
  return text.replace(/\r?\n$/, '');
}
