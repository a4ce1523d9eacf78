import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { FOLDER_DISK_DESCRIPTOR, folderDiskSchema } from '../../../shared/disks.ts';
import { HttpError } from './http-util.ts';
import type { SandboxContext } from './arm.ts';
import type { BlobAccess } from './blob-access.ts';
import { findJob, jobBody, jobKey } from './rp-importexport.ts';
import { ManifestProblem, buildDriveLog, parseDriveManifest, renamed, type DcBlob, type LogBlob, type LogRange } from './dc-manifest.ts';
import type { JobRec } from './state.ts';

/**
 * Datacenter simulation (admin API only): disks arrive (Shipping → Received), are copied (Transferring) and the
 * job ends Completed (no errors) or Closed (errors). The copy does what the service does with a folder disk:
 * descriptor serial = driveId, BitLocker key = the job's, manifest MD5 = manifestHash, every range's MD5 checked
 * (Azurite does not check Content-MD5), page/block blobs written into the job's storage account, a DriveLog
 * written to the diagnostics path, per-drive state/copyStatus/percent/bytes/log URIs set.
 */
type Obj = Record<string, unknown>;
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex').toUpperCase();
const stamp = (d = new Date()) => d.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\.(\d{3})Z$/, '-$1');

function drives(j: JobRec): Obj[] {
  return (j.properties.driveList as Obj[] | undefined) ?? [];
}

function diskMap(sb: SandboxContext, j: JobRec): Record<string, string> {
  const st = sb.store.state;
  st.datacenter ??= {};
  return (st.datacenter[jobKey(j.resourceGroup, j.name)] ??= {});
}

export async function receiveDisks(sb: SandboxContext, rg: string, name: string, disks: Array<{ path: string; driveId?: string }>) {
  const j = findJob(sb, rg, name);
  // A drive that was NeverReceived and arrives later moves to Received (SPEC §6.5), so Received accepts more disks.
  if (j.properties.state !== 'Shipping' && j.properties.state !== 'Received') {
    throw new HttpError(409, 'InvalidJobState', `Job '${j.name}' is in state '${String(j.properties.state)}'; disks can only arrive for a job in state 'Shipping' (or 'Received', for late disks).`);
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
    const drive = drives(j).find((x) => String(x.driveId).toUpperCase() === id!.toUpperCase());
    if (!drive) throw new HttpError(400, 'DriveNotInJob', `The disk at ${d.path} (serial ${id}) is not listed in job '${j.name}'.`);
    map[String(drive.driveId)] = resolve(d.path);
  }
  for (const dr of drives(j)) dr.state = map[String(dr.driveId)] ? 'Received' : 'NeverReceived';
  j.properties.state = 'Received';
  j.systemData.lastModifiedAt = new Date().toISOString();
  await sb.store.save();
  return jobBody(sb, j);
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

async function copyBlob(blobs: BlobAccess, account: string, root: string, b: DcBlob, pageBlobsAllowed: boolean): Promise<{ log: LogBlob; bytes: number }> {
  const log: LogBlob = { status: 'Completed', blobPath: b.blobPath, filePath: b.filePath, length: b.length, kind: b.kind, ranges: [] };
  // BlobStorage accounts hold block and append blobs only (Azurite does not enforce it; Azure does).
  if (b.kind === 'page' && !pageBlobsAllowed) return { log: { ...log, status: 'BlobRequestFailed' }, bytes: 0 };
  const file = resolveOnDisk(root, b.filePath);
  const slash = b.blobPath.indexOf('/');
  if (!file || slash <= 0) return { log: { ...log, status: 'FileNameInvalid' }, bytes: 0 };
  const fh = await open(file, 'r').catch(() => undefined);
  if (!fh) return { log: { ...log, status: 'FileNotFound' }, bytes: 0 };
  try {
    const container = blobs.service(account).getContainerClient(b.blobPath.slice(0, slash));
    await container.createIfNotExists();
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
  } catch {
    return { log: { ...log, status: 'BlobRequestFailed' }, bytes: 0 };
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
  for (const b of manifest.blobs) {
    const { log, bytes } = await copyBlob(blobs, account, root, b, pageBlobsAllowed);
    out.blobs.push(log);
    out.bytesSucceeded += bytes;
  }
  if (out.blobs.some((b) => b.status !== 'Completed')) out.status = 'CompletedWithErrors';
  return out;
}

/** Copies every received drive; `stopAt: 'Transferring'` leaves the job there (for UI/state tests). */
export async function transferJob(sb: SandboxContext, blobs: BlobAccess, rg: string, name: string, opts: { stopAt?: 'Transferring' } = {}) {
  const j = findJob(sb, rg, name);
  if (j.properties.state !== 'Received' && j.properties.state !== 'Transferring') {
    throw new HttpError(409, 'InvalidJobState', `Job '${j.name}' is in state '${String(j.properties.state)}'; the copy starts from state 'Received'.`);
  }
  j.properties.state = 'Transferring';
  const map = diskMap(sb, j);
  for (const d of drives(j)) if (d.state === 'Received') Object.assign(d, { state: 'Transferring', copyStatus: 'InProgress', percentComplete: 0, bytesSucceeded: 0 });
  await sb.store.save();
  if (opts.stopAt === 'Transferring') return { job: jobBody(sb, j), logs: [] };

  const account = /\/storageAccounts\/([^/]+)$/i.exec(String(j.properties.storageAccountId))?.[1] ?? '';
  const pageBlobsAllowed = sb.store.state.storageAccounts[account.toLowerCase()]?.kind !== 'BlobStorage';
  const diag = String(j.properties.diagnosticsPath || 'waimportexport').replace(/^\/+|\/+$/g, '');
  const [diagContainer, ...diagDirs] = diag.split('/');
  const diagPrefix = diagDirs.length ? `${diagDirs.join('/')}/` : '';
  const logs: Array<{ driveId: string; status: string; errorLog?: string; verboseLog?: string }> = [];
  let errors = false;
  for (const d of drives(j)) {
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
    if (j.properties.logLevel === 'Verbose') {
      entry.verboseLog = buildDriveLog(outcome.driveId, outcome.blobs, outcome.status);
      d.verboseLogUri = await put('verbose', entry.verboseLog);
    }
    if (j.properties.backupDriveManifest === true && outcome.manifestXml) d.manifestUri = await put('manifest', outcome.manifestXml);
    Object.assign(d, { state: failed ? 'CompletedMoreInfo' : 'Completed', copyStatus: outcome.status, percentComplete: 100, bytesSucceeded: outcome.bytesSucceeded });
    logs.push(entry);
  }
  for (const d of drives(j)) if (d.state === 'NeverReceived') errors = true;
  j.properties.percentComplete = 100;
  j.properties.state = errors ? 'Closed' : 'Completed';
  j.properties.returnPackage = { carrierName: (j.properties.returnShipping as Obj | undefined)?.carrierName ?? 'FedEx', trackingNumber: `RET${Date.now()}`, driveCount: drives(j).length, shipDate: new Date().toISOString() };
  j.systemData.lastModifiedAt = new Date().toISOString();
  await sb.store.save();
  return { job: jobBody(sb, j), logs };
}

const ALL_STATES = ['Creating', 'Shipping', 'Received', 'Transferring', 'Packaging', 'Completed', 'Closed', 'Canceled'];

/** Test convenience: force a job state (e.g. Completed, to exercise delete rules). */
export async function forceJobState(sb: SandboxContext, rg: string, name: string, state: string) {
  if (!ALL_STATES.includes(state)) throw new HttpError(400, 'InvalidJobState', `Unknown job state '${state}'. Use one of ${ALL_STATES.join(', ')}.`);
  const j = findJob(sb, rg, name);
  j.properties.state = state;
  await sb.store.save();
  return jobBody(sb, j);
}
