/**
 * `--container-url <url>` / `--container-url-file <file|->`: a container SAS URL given to a command. The file (or
 * standard input) keeps it out of the command line, which other users of the machine can see; a file others can
 * read gets a warning. The URL itself is checked where it is used (shared/validators/container-sas.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import { AppError } from '../../shared/errors.ts';
import { humanLine } from './output.ts';

export interface ContainerUrlOptions {
  containerUrl?: string;
  containerUrlFile?: string;
}

async function readUrlFile(path: string): Promise<string> {
  if (path === '-') {
    const parts: Buffer[] = [];
    for await (const c of process.stdin) parts.push(c as Buffer);
    return Buffer.concat(parts).toString('utf8').trim();
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AppError('VALIDATION', `Cannot read the container SAS URL file ${path}: ${(err as Error).message}`, {
      path,
    });
  }
  const mode = process.platform === 'win32' ? 0 : ((await stat(path).catch(() => null))?.mode ?? 0) & 0o777;
  if (mode & 0o077)
    humanLine(
      process.stderr,
      `warning: the file ${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}) and its SAS opens the container: chmod 600 ${path}, or delete it once it is no longer needed`,
    );
  return text.trim();
}

/** The SAS URL of `--container-url` or `--container-url-file`, or undefined when neither was given. */
export async function containerUrlOf(o: ContainerUrlOptions): Promise<string | undefined> {
  if (o.containerUrl !== undefined && o.containerUrlFile !== undefined)
    throw new AppError('VALIDATION', 'Give either --container-url or --container-url-file, not both.');
  if (o.containerUrlFile !== undefined) return readUrlFile(o.containerUrlFile);
  return o.containerUrl;
}
