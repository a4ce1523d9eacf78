import { readFile } from 'node:fs/promises';
import { AppError } from '../../shared/errors.ts';

/** Reads the passphrase file (one trailing newline is not part of the passphrase). */
export async function readPassphraseFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AppError('VALIDATION', `Cannot read the passphrase file ${path}: ${(err as Error).message}`, { path });
  }
  return text.replace(/\r?\n$/, '');
}
