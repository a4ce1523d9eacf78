import { realpath } from 'node:fs/promises';
import { posix, resolve, sep, win32 } from 'node:path';

const within = (p: string, root: string, caseless: boolean, s = sep): boolean => {
  const a = caseless ? p.toLowerCase() : p;
  const b = caseless ? root.toLowerCase() : root;
  return a === b || a.startsWith(b.endsWith(s) ? b : b + s);
};

/**
 * The folders a backup never contains, whatever its items say: the job folder it is writing, and the whole staging
 * location when it lies inside the items (backups of backups). When an item lies inside the staging location (its
 * other folders are the user's data), only the job folder is left out.
 */
export function neverBackedUp(
  stagingLocation: string,
  jobDir: string,
  items: readonly string[],
  platform: NodeJS.Platform = process.platform,
): string[] {
  const path = platform === 'win32' ? win32 : posix;
  const caseless = platform === 'win32';
  const st = path.resolve(stagingLocation);
  const itemInsideStaging = items.some((i) => within(path.resolve(i), st, caseless, path.sep));
  return itemInsideStaging ? [path.resolve(jobDir)] : [path.resolve(jobDir), st];
}

/**
 * The first item that holds the staging location (as given or through links), or null. `obc backup` refuses such
 * a run before anything is written; the engine leaves the staging location out in any case.
 */
export async function itemHoldingStaging(
  stagingLocation: string,
  items: readonly string[],
  platform: NodeJS.Platform = process.platform,
): Promise<string | null> {
  const caseless = platform === 'win32';
  const real = async (p: string) => {
    // The staging location may not exist yet: its nearest existing parent decides where it will be.
    let cur = resolve(p);
    let tail = '';
    for (;;) {
      try {
        return (await realpath(cur)) + tail;
      } catch {
        const up = resolve(cur, '..');
        if (up === cur) return resolve(p);
        tail = sep + cur.slice(up.length).replace(/^[\\/]+/, '') + tail;
        cur = up;
      }
    }
  };
  const st = [resolve(stagingLocation), await real(stagingLocation)];
  for (const item of items) {
    const it = [resolve(item), await real(item)];
    if (it.some((i) => st.some((s) => within(s, i, caseless)))) return item;
  }
  return null;
}
