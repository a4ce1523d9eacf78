/**
 * Before Disk Prep copies anything, seed.json's file list is checked against the backup's authenticated catalog
 * (Disk Prep has the passphrase): seed.json is a plain file anyone can edit, and a list without the packs would
 * otherwise ship a "verified" disk holding only the catalog (issue 13 §3).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { CATALOG_PATH, decodeCatalog } from '../backup/catalog.ts';
import type { JobKeys } from '../backup/crypto.ts';
import { DESCRIPTOR_PATH, descriptorProblems } from '../backup/descriptor.ts';
import type { StagedJob } from './jobs.ts';
import { checkSeedRanges } from '../seed-ranges-file.ts';

const MAX_LISTED = 20;
const list = (xs: string[]) =>
  xs.slice(0, MAX_LISTED).join(', ') + (xs.length > MAX_LISTED ? ` and ${xs.length - MAX_LISTED} more` : '');

/**
 * Throws CORRUPT_DATA naming what is missing or different; returns a note when the backup predates the job
 * descriptor (its disks then hold no key parameters of their own).
 */
export async function checkSeedAgainstCatalog(job: StagedJob, keys: JobKeys): Promise<{ note?: string }> {
  const { seed, folder, jobName } = job;
  const seedPath = join(folder, 'seed.json');
  const refuse = (what: string): never => {
    throw new AppError(
      'CORRUPT_DATA',
      `seed.json of job ${jobName} (${seedPath}) does not match the backup's catalog: ${what}. Nothing was copied. Run Back Up Now again for this job (replacing it), or put back the seed.json it wrote.`,
      {
        path: seedPath,
        job: jobName,
      },
    );
  };
  const catEntry = seed.files.find((f) => f.path === CATALOG_PATH);
  if (!catEntry) refuse(`it does not list ${CATALOG_PATH}`);
  const catPath = join(folder, CATALOG_PATH);
  const bytes = await readFile(catPath).catch((err: Error) =>
    refuse(`${CATALOG_PATH} cannot be read (${err.message})`),
  );
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== catEntry!.length || sha !== catEntry!.sha256)
    refuse(
      `${CATALOG_PATH} is ${bytes.length} bytes with SHA-256 ${sha.slice(0, 16)}…, seed.json records ${catEntry!.length} bytes with ${catEntry!.sha256.slice(0, 16)}…`,
    );
  // Authenticated with the passphrase: what the catalog says is what the backup wrote.
  const catalog = decodeCatalog(keys.enc, jobName, bytes);

  const listed = new Map(seed.files.map((f) => [f.path, f]));
  const missing: string[] = [];
  const different: string[] = [];
  const inCatalog = new Set(catalog.packs.map((p) => p.path));
  for (const p of catalog.packs) {
    const f = listed.get(p.path);
    if (!f) missing.push(`${p.path} (${p.length} bytes)`);
    else if (f.length !== p.length)
      different.push(`${p.path}: seed.json says ${f.length} bytes, the catalog ${p.length}`);
  }
  const packNumbers = new Set(catalog.packs.map((p) => p.n));
  const unlisted = [...new Set(catalog.chunks.map((c) => c[1]).filter((n) => !packNumbers.has(n)))];
  const extra = seed.files
    .map((f) => f.path)
    .filter((p) => p !== CATALOG_PATH && p !== DESCRIPTOR_PATH && !inCatalog.has(p));
  const problems = [
    ...(missing.length ? [`${missing.length} pack(s) the catalog needs are not listed: ${list(missing)}`] : []),
    ...(different.length ? [`${different.length} pack(s) have another length: ${list(different)}`] : []),
    ...(unlisted.length
      ? [`the catalog refers to pack number(s) ${list(unlisted.map(String))} that it does not list`]
      : []),
    ...(extra.length ? [`it lists ${extra.length} file(s) the backup does not contain: ${list(extra)}`] : []),
  ];
  if (problems.length) refuse(problems.join('; '));

  // Formats 3 and 4: the side file of range MD5s, whole and as seed.json records it (streamed, never all in memory).
  if (seed.rangeMd5s) await checkSeedRanges(folder, jobName, seed.rangeMd5s);

  const descEntry = listed.get(DESCRIPTOR_PATH);
  if (!descEntry)
    return {
      note: `The backup of job ${jobName} was made before backups carried their job descriptor (${DESCRIPTOR_PATH}): the disks and the container will not hold its key parameters, so keep seed.json (or the staging folder) to restore from them. Back Up Now again makes a backup that carries it.`,
    };
  const desc = await readFile(join(folder, DESCRIPTOR_PATH)).catch((err: Error) =>
    refuse(`${DESCRIPTOR_PATH} cannot be read (${err.message})`),
  );
  const why = descriptorProblems(desc, descEntry, seed);
  if (why.length) refuse(`${DESCRIPTOR_PATH}: ${why.join('; ')}`);
  return {};
}
