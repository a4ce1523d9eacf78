/**
 * The page-range rule for shipped files (page blobs): consecutive 4 MiB ranges from the first byte, the last one
 * shorter — the most a DriveManifest PageRange may hold. One home for the rule: the backup records the MD5 of each
 * such range with the seed (shared/staging.ts; format 3: in its side file, shared/seed-ranges.ts) and Disk Prep
 * writes the same ranges into DriveManifest.xml.
 */
export const PAGE_RANGE_SIZE = 4 * 1024 * 1024;

/** The page ranges of a file of `length` bytes: consecutive 4 MiB pieces (the last shorter), all 512-aligned. */
export function rangeLayout(length: number): Array<{ offset: number; length: number }> {
  const out = [];
  for (let off = 0; off < length; off += PAGE_RANGE_SIZE)
    out.push({ offset: off, length: Math.min(PAGE_RANGE_SIZE, length - off) });
  return out;
}

/** How many page ranges a file of `length` bytes has (0 for an empty file). */
export const rangeCount = (length: number): number => Math.ceil(length / PAGE_RANGE_SIZE);
