import { homedir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The one place that knows where things live. Nothing here imports 'electron': the Electron host passes its paths in. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** User data directory: OBC_DATA_DIR wins (tests, portable use), then the host's choice, then ~/.offline-backup-console. */
export function resolveDataDir(hostDefault?: string): string {
  const env = process.env.OBC_DATA_DIR;
  if (env && env.trim()) return resolve(env);
  if (hostDefault) return hostDefault;
  return join(homedir(), '.offline-backup-console');
}

/** Built renderer (vite output). */
export function rendererDist(base = repoRoot): string {
  return join(base, 'out', 'renderer');
}
