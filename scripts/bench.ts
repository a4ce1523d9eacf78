/** `npm run bench -- <backup|diskprep|incremental|seed> [options]`: benchmarks that print ratios against peers measured in the same run. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../electron/services/paths.ts';

const [which, ...rest] = process.argv.slice(2);
const scripts: Record<string, string> = {
  backup: 'bench-backup.ts',
  diskprep: 'bench-diskprep.ts',
  incremental: 'bench-incremental.ts',
  seed: 'bench-seed.ts',
};
if (!which || !scripts[which]) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(scripts).join('|')}> [--size 1G]\n`);
  process.exit(2);
}
const file = join(repoRoot, 'scripts', scripts[which]);
if (!existsSync(file)) {
  process.stderr.write(`The ${which} benchmark is not available in this build (${file} missing).\n`);
  process.exit(1);
}
const r = spawnSync(process.execPath, [file, ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);
