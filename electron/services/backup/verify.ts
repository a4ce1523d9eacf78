import { createHash } from 'node:crypto';
import { decodeCatalog, CATALOG_PATH, type Catalog } from './catalog.ts';
import { authenticates } from './crypto.ts';
import { DESCRIPTOR_PATH, descriptorProblems } from './descriptor.ts';
import { chunkAad, readPackIndex } from './pack-format.ts';
import { packsToRead, type DataSubset } from './data-subset.ts';
import { unlockSource, type PackSource } from './reader.ts';

export interface VerifyProblem {
  path: string;
  reason: string;
}
export interface VerifyReport {
  ok: boolean;
  jobName: string;
  packsChecked: number;
  chunksChecked: number;
  filesChecked: number;
  damagedPacks: VerifyProblem[];
  /** Files in the backup that cannot be restored intact (catalog paths). */
  damagedFiles: VerifyProblem[];
  catalogOk: boolean;
  /** With a data subset: packs not read (their chunks not checked; files that use them not judged by their bytes). */
  packsNotRead?: number;
}
export type VerifyProgress = (p: { done: number; total: number; current: string }) => void;

/** Reads every file of seed.files, authenticates every chunk, and resolves every catalog file. */
export async function verifyJob(
  source: PackSource,
  passphrase: string,
  signal?: AbortSignal,
  onProgress?: VerifyProgress,
  o: { subset?: DataSubset } = {},
): Promise<VerifyReport> {
  const { seed, keys } = await unlockSource(source, passphrase);
  const damagedPacks: VerifyProblem[] = [];
  let done = 0;
  let catalog: Catalog | null = null;
  let catalogOk = false;
  const packFiles = seed.files.filter((f) => f.path !== CATALOG_PATH && f.path !== DESCRIPTOR_PATH);
  const chosen = o.subset ? packsToRead(o.subset, packFiles.length) : null;
  const readFiles = chosen ? packFiles.filter((_, i) => chosen.has(i)) : packFiles;
  const total = seed.files
    .filter((f) => !packFiles.includes(f) || readFiles.includes(f))
    .reduce((s, f) => s + f.length, 0);
  const descEntry = seed.files.find((f) => f.path === DESCRIPTOR_PATH);
  if (descEntry) {
    const why = await source.readAll(DESCRIPTOR_PATH).then(
      (b) => descriptorProblems(b, descEntry, seed),
      (err: Error) => [`cannot be read: ${err.message}`],
    );
    if (why.length) damagedPacks.push({ path: DESCRIPTOR_PATH, reason: why.join('; ') });
  }
  const catEntry = seed.files.find((f) => f.path === CATALOG_PATH);
  if (seed.state !== 'complete')
    damagedPacks.push({ path: 'seed.json', reason: 'the backup is not complete (state inProgress)' });
  if (!catEntry) damagedPacks.push({ path: CATALOG_PATH, reason: 'not listed in seed.json' });
  else {
    try {
      const b = await source.readAll(CATALOG_PATH);
      const asRecorded =
        b.length === catEntry.length && createHash('sha256').update(b).digest('hex') === catEntry.sha256;
      if (!asRecorded) damagedPacks.push({ path: CATALOG_PATH, reason: 'length or sha256 differs from seed.json' });
      try {
        catalog = decodeCatalog(keys.enc, seed.jobName, b);
        catalogOk = true;
      } catch (err) {
        // Bytes exactly as recorded, yet they do not open: what changed is seed.json (job name or key fields).
        if (asRecorded)
          damagedPacks.push({
            path: 'seed.json',
            reason: `${CATALOG_PATH} is exactly as recorded but does not open for job "${seed.jobName}": seed.json has been altered`,
          });
        throw err;
      }
    } catch (err) {
      damagedPacks.push({ path: CATALOG_PATH, reason: (err as Error).message });
    }
  }
  let chunksChecked = 0;
  const rowsByPack = new Map<number, number[]>();
  catalog?.chunks.forEach((r, i) => rowsByPack.set(r[1], [...(rowsByPack.get(r[1]) ?? []), i]));
  const badChunk = new Set<number>();
  for (const f of readFiles) {
    signal?.throwIfAborted();
    onProgress?.({ done, total, current: f.path });
    const n = Number(/pack-(\d+)\.bin$/.exec(f.path)?.[1] ?? NaN);
    let bytes: Buffer | null = null;
    try {
      bytes = await source.readAll(f.path);
    } catch (err) {
      damagedPacks.push({ path: f.path, reason: `cannot be read: ${(err as Error).message}` });
    }
    const map = new Map<number, boolean>();
    if (bytes) {
      const reasons: string[] = [];
      if (bytes.length !== f.length) reasons.push(`length ${bytes.length}, expected ${f.length}`);
      else if (createHash('sha256').update(bytes).digest('hex') !== f.sha256)
        reasons.push('sha256 differs from seed.json');
      const b = bytes;
      const idx = await readPackIndex(keys.enc, n, b.length, async (o, l) => b.subarray(o, o + l));
      if (!idx.ok) reasons.push(idx.reason);
      else {
        let bad = 0;
        for (const e of idx.entries) {
          const ok = authenticates(keys.enc, b.subarray(e.offset, e.offset + e.length), chunkAad(e.id, e.flag));
          map.set(e.offset, ok);
          chunksChecked++;
          if (!ok) bad++;
        }
        if (bad) reasons.push(`${bad} chunk(s) fail authentication`);
      }
      if (reasons.length) damagedPacks.push({ path: f.path, reason: reasons.join('; ') });
    }
    // Catalog chunks in this pack that its index does not vouch for are authenticated directly.
    for (const ri of rowsByPack.get(n) ?? []) {
      const [hex, , offset, length, , flag] = catalog!.chunks[ri];
      let ok = map.get(offset);
      if (ok === undefined) {
        ok =
          !!bytes &&
          offset + length <= bytes.length &&
          authenticates(keys.enc, bytes.subarray(offset, offset + length), chunkAad(Buffer.from(hex, 'hex'), flag));
        chunksChecked++;
      }
      if (!ok) badChunk.add(ri);
    }
    done += f.length;
  }
  const listed = new Set(packFiles.map((f) => Number(/pack-(\d+)\.bin$/.exec(f.path)?.[1] ?? NaN)));
  const damagedFiles: VerifyProblem[] = [];
  let filesChecked = 0;
  for (const e of catalog?.entries ?? []) {
    if (e.type !== 'file') continue;
    filesChecked++;
    let sum = 0;
    const problems: string[] = [];
    for (const ci of e.chunks ?? []) {
      const row = catalog!.chunks[ci];
      if (!row) {
        problems.push(`refers to unknown chunk #${ci}`);
        continue;
      }
      sum += row[4];
      if (!listed.has(row[1])) problems.push(`needs pack ${row[1]}, which seed.json does not list`);
      else if (badChunk.has(ci)) problems.push(`chunk at offset ${row[2]} of pack ${row[1]} is damaged`);
    }
    if (sum !== e.size) problems.push(`chunks add up to ${sum} bytes, the catalog says ${e.size}`);
    if (problems.length) damagedFiles.push({ path: e.path, reason: [...new Set(problems)].join('; ') });
  }
  onProgress?.({ done: total, total, current: '' });
  return {
    ok: catalogOk && damagedPacks.length === 0 && damagedFiles.length === 0,
    jobName: seed.jobName,
    packsChecked: readFiles.length,
    ...(chosen ? { packsNotRead: packFiles.length - readFiles.length } : {}),
    chunksChecked,
    filesChecked,
    damagedPacks,
    damagedFiles,
    catalogOk,
  };
}
