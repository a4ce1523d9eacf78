/**
 * `--read-data-subset` as restic has it: verify reads only some packs (every chunk of those, and the catalog, is still
 * checked; files whose chunks lie in packs not read are not judged by their bytes). `N%`: a random N% of the packs
 * (at least one); `N/M`: the N-th of M fixed slices (pack i when i mod M = N-1), so 1/M … M/M together read every pack.
 * Pure.
 */
import { AppError } from '../../../shared/errors.ts';

export type DataSubset = { percent: number } | { n: number; m: number };

export function parseDataSubset(text: string): DataSubset {
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (pct) {
    const percent = Number(pct[1]);
    if (percent > 0 && percent <= 100) return { percent };
  }
  const frac = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (frac) {
    const n = Number(frac[1]);
    const m = Number(frac[2]);
    if (m >= 1 && n >= 1 && n <= m) return { n, m };
  }
  throw new AppError(
    'VALIDATION',
    `--read-data-subset ${text}: give a percentage (10%) or a slice N/M with 1 ≤ N ≤ M (2/5).`,
    { field: 'readDataSubset' },
  );
}

/** Which of `count` packs to read (indexes in the order verify lists them); `random` in [0, 1). */
export function packsToRead(subset: DataSubset, count: number, random: () => number = Math.random): Set<number> {
  if ('m' in subset) return new Set([...Array(count).keys()].filter((i) => i % subset.m === subset.n - 1));
  const want = Math.min(count, Math.max(1, Math.ceil((count * subset.percent) / 100)));
  const all = [...Array(count).keys()];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return new Set(all.slice(0, count ? want : 0));
}
