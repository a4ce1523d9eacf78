import { useAppStore } from '../store/index.ts';

/** Path words for the host's platform: Windows spells D:\Data and \\server\share; Linux and macOS /srv/data. */
export interface PathWords {
  sep: '\\' | '/';
  /** Joins display parts with the host's separator. */
  join: (...parts: string[]) => string;
  /** Where a staging location may be, as an example for hints and placeholders. */
  stagingExample: string;
  /** A folder to back up, as an example. */
  itemExample: string;
  /** How a network location is given on this platform. */
  shareWords: string;
}

export function pathWordsFor(platform: string | undefined): PathWords {
  const win = platform === 'win32';
  const sep = win ? '\\' : '/';
  return {
    sep,
    join: (...parts) =>
      parts
        .map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, '') : p.replace(/^[\\/]+|[\\/]+$/g, '')))
        .filter(Boolean)
        .join(sep),
    stagingExample: win ? 'D:\\Staging or \\\\server\\share\\staging' : '/srv/staging or /mnt/share/staging',
    itemExample: win ? 'D:\\Data' : '/srv/data',
    shareWords: win
      ? 'a network share such as \\\\server\\share\\folder'
      : 'a mounted network share such as /mnt/share/folder',
  };
}

/** The host's path words (from app:info; Windows spellings only on a Windows host). */
export function usePathWords(): PathWords {
  return pathWordsFor(useAppStore((s) => s.appInfo?.platform));
}
