import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { FOLDER_DISK_DESCRIPTOR, folderDiskSchema } from '../../../shared/disks.ts';
import { HttpError } from './http-util.ts';
import type { SandboxContext } from './arm.ts';
import type { BlobAccess } from './blob-access.ts';
import { jobBody, jobKey } from './rp-importexport.ts';
import { dataBoxDcJob } from './dc-databox.ts';
import type { ContainerClient } from '@azure/storage-blob';
import { ManifestProblem, buildDriveLog, parseDriveManifest, renamed, type DcBlob, type DcCredential, type LogBlob, type LogRange } from './dc-manifest.ts';
import type { JobRec } from './state.ts';

/**
 * Datacenter simulation (admin API only): disks arrive (Shipping → Received), are copied (Transferring) and the
 * job ends Completed (no errors) or Closed (errors). The copy does what the service does with a folder disk:
 * descriptor serial = driveId, BitLocker key = the job's, manifest MD5 = manifestHash, every range's MD5 checked
 * (Azurite does not check Content-MD5), page/block blobs written into the job's storage account, a DriveLog
 * written to the diagnostics path, per-drive state/copyStatus/percent/bytes/log URIs set.
 *
 * One simulation for both providers: it works on a `DcJob` view — Import/Export jobs directly (their driveList),
 * Data Box customer-disk jobs through `dc-databox.ts`, which translates states and copy statuses both ways.
 */
type Obj = Record<string, unknown>;
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex').toUpperCase();
const stamp = (d = new Date()) => d.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\.(\d{3})Z$/, '-$1');

export type DcProvider = 'ImportExport' | 'DataBox';

/** A job as the datacenter sees it, in Import/Export's vocabulary (states Shipping … Completed/Closed, drive states). */
export interface DcJob {
  name: string;
  /** Key of this job's disk map in state.datacenter. */
  mapKey: string;
  state: string;
  /** Drive objects: driveId, bitLockerKey, manifestFile, manifestHash, state, copyStatus, … (mutated in place). */
  drives: Obj[];
  storageAccountId: string;
  diagnosticsPath: string;
  verbose: boolean;
  backupManifest: boolean;
  returnCarrier: string;
  /** Copy finished: percent 100, final state, return package. */
  finish(errors: boolean): void;
  /** Writes the view back into the stored job (call before saving). */
  commit(): void;
  body(): unknown;
}

function importExportDcJob(sb: SandboxContext, j: JobRec): DcJob {
  const p = j.properties;
  return {
    name: j.name,
    mapKey: jobKey(j.resourceGroup, j.name),
    get state() {
      return String(p.state);
    },
    set state(v: string) {
      p.state = v;
    },
    drives: (p.driveList as Obj[] | undefined) ?? [],
    storageAccountId: String(p.storageAccountId),
    diagnosticsPath: String(p.diagnosticsPath || 'waimportexport'),
    verbose: p.logLevel === 'Verbose',
    backupManifest: p.backupDriveManifest === true,
    returnCarrier: String((p.returnShipping as Obj | undefined)?.carrierName ?? 'FedEx'),
    finish(errors) {
      p.percentComplete = 100;
      p.state = errors ? 'Closed' : 'Completed';
      p.returnPackage = { carrierName: this.returnCarrier, trackingNumber: `RET${Date.now()}`, driveCount: this.drives.length, shipDate: new Date().toISOString() };
    },
    commit() {
      j.systemData.lastModifiedAt = new Date().toISOString();
    },
    body: () => jobBody(sb, j),
  };
}

/** The job `name` of either provider; `provider` decides when both have a job of that name in the group. */
export function findDcJob(sb: SandboxContext, rg: string, name: string, provider?: DcProvider): DcJob {
  const ie = provider === 'DataBox' ? undefined : sb.store.state.jobs[jobKey(rg, name)];
  const db = provider === 'ImportExport' ? undefined : dataBoxDcJob(sb, rg, name);
  if (ie && db) throw new HttpError(409, 'AmbiguousJob', `Both an Import/Export job and a Data Box job are named '${name}' in '${rg}': pass provider 'ImportExport' or 'DataBox'.`);
  if (ie) return importExportDcJob(sb, ie);
  if (db) return db;
  throw new HttpError(404, 'ResourceNotFound', `No ${provider === 'DataBox' ? 'Data Box ' : provider === 'ImportExport' ? 'Import/Export ' : ''}job '${name}' in resource group '${rg}'.`);
}

function diskMap(sb: SandboxContext, j: DcJob): Record<string, string> {
  const st = sb.store.state;
  st.datacenter ??= {};
  return (st.datacenter[j.mapKey] ??= {});
}

export async function receiveDisks(sb: SandboxContext, rg: string, name: string, disks: Array<{ path: string; driveId?: string }>, provider?: DcProvider) {
  const j = findDcJob(sb, rg, name, provider);
  // A drive that was NeverReceived and arrives later moves to Received (SPEC §6.5), so Received accepts more disks.
  if (j.state !== 'Shipping' && j.state !== 'Received') {
    throw new HttpError(409, 'InvalidJobState', `Job '${j.name}' is in state '${j.state}'; disks can only arrive for a job in state 'Shipping' (or 'Received', for late disks).`);
  }
  const map = diskMap(sb, j);
  for (const d of disks) {
    let id = d.driveId;
    if (!id) {
      try {
        id = folderDiskSchema.parse(JSON.parse(await readFile(join(d.path, FOLDER_DISK_DESCRIPTOR), 'utf8'))).serial;
      } catch (err) {
        throw new HttpError(400, 'InvalidDisk', `Cannot read the folder disk descriptor ${join(d.path, FOLDER_DISK_DESCRIPTOR)}: ${(err as Error).message}`);
      }
    }
    const drive = j.drives.find((x) => String(x.driveId).toUpperCase() === id!.toUpperCase());
    if (!drive) throw new HttpError(400, 'DriveNotInJob', `The disk at ${d.path} (serial ${id}) is not listed in job '${j.name}'.`);
    map[String(drive.driveId)] = resolve(d.path);
  }
  for (const dr of j.drives) dr.state = map[String(dr.driveId)] ? 'Received' : 'NeverReceived';
  j.state = 'Received';
  j.commit();
  await sb.store.save();
  return j.body();
}

/** A FilePath (`\dir\file`, relative to the drive root) → absolute path inside the disk, refusing escapes. */
function resolveOnDisk(root: string, filePath: string): string | undefined {
  const parts = filePath.split(/[\\/]+/).filter(Boolean);
  if (parts.some((p) => p === '..' || p === '.')) return undefined;
  const full = resolve(root, ...parts);
  return full.startsWith(root + sep) ? full : undefined;
}

interface DriveOutcome {
  driveId: string;
  status: string;
  bytesSucceeded: number;
  blobs: LogBlob[];
  manifestXml?: string;
}

/**
 * How the copy reaches the storage account: with the manifest's own credential, as the service does — a container
 * SAS (only that container; no container creation) or the account key. Azurite checks the SAS against the account
 * keys and the container's stored access policies (expiry, permissions; a deleted policy fails) and answers 403.
 */
interface BlobTarget {
  container(name: string): ContainerClient;
  mayCreateContainer: boolean;
}

function blobTarget(blobs: BlobAccess, account: string, cred: DcCredential): BlobTarget {
  if (cred.kind === 'containerSas') return { container: (name) => blobs.containerWithSas(account, name, cred.token), mayCreateContainer: false };
  const svc = blobs.serviceWithKey(account, cred.key);
  return { container: (name) => svc.getContainerClient(name), mayCreateContainer: true };
}

async function copyBlob(target: BlobTarget, root: string, b: DcBlob, pageBlobsAllowed: boolean): Promise<{ log: LogBlob; bytes: number }> {
  const log: LogBlob = { status: 'Completed', blobPath: b.blobPath, filePath: b.filePath, length: b.length, kind: b.kind, ranges: [] };
  // BlobStorage accounts hold block and append blobs only (Azurite does not enforce it; Azure does).
  if (b.kind === 'page' && !pageBlobsAllowed) return { log: { ...log, status: 'BlobRequestFailed' }, bytes: 0 };
  const file = resolveOnDisk(root, b.filePath);
  const slash = b.blobPath.indexOf('/');
  if (!file || slash <= 0) return { log: { ...log, status: 'FileNameInvalid' }, bytes: 0 };
  const fh = await open(file, 'r').catch(() => undefined);
  if (!fh) return { log: { ...log, status: 'FileNotFound' }, bytes: 0 };
  try {
    const container = target.container(b.blobPath.slice(0, slash));
    if (target.mayCreateContainer) await container.createIfNotExists();
    let blobName = b.blobPath.slice(slash + 1);
    let dispStatus = 'Created';
    if (await container.getBlobClient(blobName).exists()) {
      if (b.disposition === 'no-overwrite') return { log: { ...log, status: 'Completed', disposition: { value: b.disposition, status: 'Skipped' } }, bytes: 0 };
      if (b.disposition === 'overwrite') dispStatus = 'Overwritten';
      else {
        let n = 2;
        while (await container.getBlobClient(renamed(blobName, n)).exists()) n++;
        blobName = renamed(blobName, n);
        dispStatus = 'Renamed';
        log.blobPath = `${container.containerName}/${blobName}`;
      }
    }
    log.disposition = { value: b.disposition, status: dispStatus };
    let bytes = 0;
    let bad = 0;
    const ranges: LogRange[] = [];
    const good: Array<{ r: (typeof b.ranges)[number]; buf: Buffer }> = [];
    for (const r of b.ranges) {
      const buf = Buffer.alloc(r.length);
      const { bytesRead } = await fh.read(buf, 0, r.length, r.offset);
      let status = 'Completed';
      if (bytesRead < r.length) status = 'FileUnexpectedEnd';
      else if (b.kind === 'page' && (r.offset % 512 !== 0 || r.length % 512 !== 0 || r.length > 4 * 1024 * 1024)) status = 'Failed';
      else if (md5(buf).toUpperCase() !== r.hash.toUpperCase()) status = 'Corrupted';
      if (status === 'Completed') good.push({ r, buf });
      else bad++;
      ranges.push({ offset: r.offset, length: r.length, hash: r.hash, status: b.kind === 'block' && status === 'Completed' ? 'Committed' : status });
    }
    if (b.kind === 'page') {
      if (b.length % 512 !== 0) return { log: { ...log, status: 'Failed', ranges }, bytes: 0 };
      const page = container.getPageBlobClient(blobName);
      await page.create(b.length);
      for (const { r, buf } of good) {
        if (buf.some((x) => x !== 0)) await page.uploadPages(buf, r.offset, r.length);
        bytes += r.length;
      }
    } else {
      const block = container.getBlockBlobClient(blobName);
      const ids: string[] = [];
      for (const { r, buf } of good) {
        const id = r.id ?? Buffer.from(`blk-${String(r.offset).padStart(16, '0')}`).toString('base64');
        await block.stageBlock(id, buf, r.length);
        ids.push(id);
        bytes += r.length;
      }
      if (bad === 0) await block.commitBlockList(ids);
      else for (const x of ranges) if (x.status === 'Committed') x.status = 'Uncommitted';
    }
    log.ranges = ranges;
    log.status = bad ? 'CompletedWithErrors' : 'Completed';
    return { log, bytes };
  } catch (err) {
    // FMT-LOG: BlobRequestForbidden "might be due to invalid storage account key or container SAS".
    const forbidden = (err as { statusCode?: number }).statusCode === 403;
    return { log: { ...log, status: forbidden ? 'BlobRequestForbidden' : 'BlobRequestFailed' }, bytes: 0 };
  } finally {
    await fh.close();
  }
}

async function copyDrive(blobs: BlobAccess, account: string, pageBlobsAllowed: boolean, drive: Obj, root: string | undefined): Promise<DriveOutcome> {
  const driveId = String(drive.driveId);
  const fail = (status: string): DriveOutcome => ({ driveId, status, bytesSucceeded: 0, blobs: [] });
  if (!root) return fail('DiskNotFound');
  let desc;
  try {
    desc = folderDiskSchema.parse(JSON.parse(await readFile(join(root, FOLDER_DISK_DESCRIPTOR), 'utf8')));
  } catch {
    return fail('DiskOperationFailed');
  }
  if (desc.serial.toUpperCase() !== driveId.toUpperCase()) return fail('DiskNotFound');
  if (!desc.bitLockerKey) return fail('BitLockerVolumeNotFound');
  if (desc.bitLockerKey !== drive.bitLockerKey) return fail('BitLockerKeyInvalid');
  const manifestPath = resolveOnDisk(root, String(drive.manifestFile ?? ''));
  if (!manifestPath) return fail('ManifestNameInvalid');
  const raw = await readFile(manifestPath).catch(() => undefined);
  if (!raw) return fail('ManifestNotFound');
  if (md5(raw) !== String(drive.manifestHash).toUpperCase()) return fail('ManifestCorrupted');
  let manifest;
  try {
    manifest = parseDriveManifest(raw.toString('utf8'));
  } catch (err) {
    return fail(err instanceof ManifestProblem ? err.status : 'ReadManifestFailed');
  }
  if (manifest.driveId.toUpperCase() !== driveId.toUpperCase()) return fail('ManifestDriveIdMismatch');
  const out: DriveOutcome = { driveId, status: 'Completed', bytesSucceeded: 0, blobs: [], manifestXml: raw.toString('utf8') };
  const cred = manifest.credential;
  // WAIE-V1-PREP /csas: "all blobs to be imported or exported must be within the container specified in the shared access signature".
  const outside = cred.kind === 'containerSas' ? manifest.blobs.find((b) => b.blobPath.slice(0, b.blobPath.indexOf('/')) !== cred.container) : undefined;
  if (outside) return { ...out, status: 'BlobRequestForbidden', blobs: [{ status: 'BlobRequestForbidden', blobPath: outside.blobPath, filePath: outside.filePath, length: outside.length, kind: outside.kind, ranges: [] }] };
  const target = blobTarget(blobs, account, cred);
  for (const b of manifest.blobs) {
    const { log, bytes } = await copyBlob(target, root, b, pageBlobsAllowed);
    out.blobs.push(log);
    out.bytesSucceeded += bytes;
    // The credential does not grant access: the drive stops there, as FMT-LOG's drive status says.
    if (log.status === 'BlobRequestForbidden') return { ...out, status: 'BlobRequestForbidden' };
  }
  if (out.blobs.some((b) => b.status !== 'Completed')) out.status = 'CompletedWithErrors';
  return out;
}

/** Copies every received drive; `stopAt: 'Transferring'` leaves the job there (for UI/state tests). */
export async function transferJob(sb: SandboxContext, blobs: BlobAccess, rg: string, name: string, opts: { stopAt?: 'Transferring'; provider?: DcProvider } = {}) {
  const j = findDcJob(sb, rg, name, opts.provider);
  if (j.state !== 'Received' && j.state !== 'Transferring') {
    throw new HttpError(409, 'InvalidJobState', `Job '${j.name}' is in state '${j.state}'; the copy starts from state 'Received'.`);
  }
  j.state = 'Transferring';
  const map = diskMap(sb, j);
  for (const d of j.drives) if (d.state === 'Received') Object.assign(d, { state: 'Transferring', copyStatus: 'InProgress', percentComplete: 0, bytesSucceeded: 0 });
  j.commit();
  await sb.store.save();
  if (opts.stopAt === 'Transferring') return { job: j.body(), logs: [] };

  const account = /\/storageAccounts\/([^/]+)$/i.exec(j.storageAccountId)?.[1] ?? '';
  const pageBlobsAllowed = sb.store.state.storageAccounts[account.toLowerCase()]?.kind !== 'BlobStorage';
  const diag = j.diagnosticsPath.replace(/^\/+|\/+$/g, '');
  const [diagContainer, ...diagDirs] = diag.split('/');
  const diagPrefix = diagDirs.length ? `${diagDirs.join('/')}/` : '';
  const logs: Array<{ driveId: string; status: string; errorLog?: string; verboseLog?: string }> = [];
  let errors = false;
  for (const d of j.drives) {
    if (d.state !== 'Transferring') continue;
    const outcome = await copyDrive(blobs, account, pageBlobsAllowed, d, map[String(d.driveId)]);
    const failed = outcome.status !== 'Completed';
    errors ||= failed;
    const diagC = blobs.service(account).getContainerClient(diagContainer);
    await diagC.createIfNotExists();
    const base = `${diagPrefix}${j.name}_${outcome.driveId}_`;
    const put = async (suffix: string, xml: string) => {
      const blob = diagC.getBlockBlobClient(`${base}${stamp()}_${suffix}.xml`);
      await blob.upload(xml, Buffer.byteLength(xml), { blobHTTPHeaders: { blobContentType: 'application/xml' } });
      return blob.url;
    };
    const entry: (typeof logs)[number] = { driveId: outcome.driveId, status: outcome.status };
    if (failed) {
      entry.errorLog = buildDriveLog(outcome.driveId, outcome.blobs.filter((b) => b.status !== 'Completed'), outcome.status);
      d.errorLogUri = await put('error', entry.errorLog);
    }
    if (j.verbose) {
      entry.verboseLog = buildDriveLog(outcome.driveId, outcome.blobs, outcome.status);
      d.verboseLogUri = await put('verbose', entry.verboseLog);
    }
    if (j.backupManifest && outcome.manifestXml) d.manifestUri = await put('manifest', outcome.manifestXml);
    Object.assign(d, { state: failed ? 'CompletedMoreInfo' : 'Completed', copyStatus: outcome.status, percentComplete: 100, bytesSucceeded: outcome.bytesSucceeded });
    logs.push(entry);
  }
  for (const d of j.drives) if (d.state === 'NeverReceived') errors = true;
  j.finish(errors);
  j.commit();
  await sb.store.save();
  return { job: j.body(), logs };
}

const ALL_STATES = ['Creating', 'Shipping', 'Received', 'Transferring', 'Packaging', 'Completed', 'Closed', 'Canceled'];

/** Test convenience: force a job state (e.g. Completed, to exercise delete rules); Data Box jobs map it to a stage. */
export async function forceJobState(sb: SandboxContext, rg: string, name: string, state: string, provider?: DcProvider) {
  if (!ALL_STATES.includes(state)) throw new HttpError(400, 'InvalidJobState', `Unknown job state '${state}'. Use one of ${ALL_STATES.join(', ')}.`);
  const j = findDcJob(sb, rg, name, provider);
  j.state = state;
  j.commit();
  await sb.store.save();
  return j.body();
}
