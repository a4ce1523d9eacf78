import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

let cached: string | null = null;
/** Version from package.json (the Electron host passes app.getVersion() through OBC_APP_VERSION when packaged). */
export function appVersion(): string {
  if (cached) return cached;
  if (process.env.OBC_APP_VERSION) return (cached = process.env.OBC_APP_VERSION);
  try {
    cached = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
