/**
 * Test helper (never used at run time): the temp folders tests make with `tempDir`, removed when their test file
 * ends by tests/setup-temp.ts (Vitest's setup file). Playwright specs and the bench import this too; nothing
 * removes theirs. `OBC_KEEP_TEMP=1` keeps every folder for a look after a failure.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

export async function tempDir(prefix = 'obc-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  if (process.env.OBC_KEEP_TEMP) return;
  const dirs = made.splice(0);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}
