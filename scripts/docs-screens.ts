/**
 * `node scripts/docs-screens.ts`: copies the screenshots the user guide uses from test-results/screens/ (written by
 * the e2e suite: `playwright test -c e2e/playwright.config.ts`) into docs/screens/. With ImageMagick's `convert`
 * (`magick` or `convert`) they are downscaled to 960 px wide and reduced to 128 colours to keep the repository small; without
 * it they are copied as they are. Fails, naming them, when screenshots are missing (run the e2e suite first).
 */
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../electron/services/paths.ts';

/** e2e screenshot name → what it shows in docs/USER-GUIDE.md. */
export const GUIDE_SCREENS: Record<string, string> = {
  console: 'first-run panel with the five steps',
  'sb-06-own-disk': 'Schedule Backup: use your own disk',
  'backup-progress-done': 'Back Up Now: completed and verified',
  'disk-prep-2-disks': 'Prepare Disks: choosing disks',
  'disk-prep-5-copy': 'Prepare Disks: copied and read back',
  'jobs-waiting-for-disk': 'Jobs: Disk Prep waiting for another disk',
  'import-jobs-2-tracking': 'Import Jobs: entering tracking',
  'import-jobs-4-verified': 'Import Jobs: completed and verified',
  'recover-browse': 'Recover Data: choosing files',
};

const from = join(repoRoot, 'test-results', 'screens');
const to = join(repoRoot, 'docs', 'screens');
const missing = Object.keys(GUIDE_SCREENS).filter((n) => !existsSync(join(from, `${n}.png`)));
if (missing.length) {
  process.stderr.write(
    `Missing in ${from}: ${missing.map((n) => `${n}.png`).join(', ')}. Run the e2e suite first: playwright test -c e2e/playwright.config.ts\n`,
  );
  process.exit(1);
}
mkdirSync(to, { recursive: true });
// The first real ImageMagick (a stand-in named `convert` may shadow it on the PATH).
const convert = ['magick', 'convert', '/usr/bin/convert'].find((c) =>
  /ImageMagick/.test(spawnSync(c, ['-version'], { encoding: 'utf8' }).stdout ?? ''),
);
const hasConvert = convert !== undefined;
let total = 0;
for (const name of Object.keys(GUIDE_SCREENS)) {
  const src = join(from, `${name}.png`);
  const dst = join(to, `${name}.png`);
  if (hasConvert) {
    const r = spawnSync(convert, [src, '-resize', '960x>', '-strip', '-colors', '128', `PNG8:${dst}`], {
      stdio: 'inherit',
    });
    if (r.status !== 0) {
      process.stderr.write(`convert failed on ${src}; copying it as it is.\n`);
      copyFileSync(src, dst);
    }
  } else copyFileSync(src, dst);
  total += statSync(dst).size;
  process.stdout.write(`${name}.png  ${(statSync(dst).size / 1024).toFixed(0)} KiB\n`);
}
process.stdout.write(
  `${Object.keys(GUIDE_SCREENS).length} screenshots in docs/screens (${(total / 1024).toFixed(0)} KiB${hasConvert ? ', downscaled' : ', as taken: ImageMagick not found'})\n`,
);
