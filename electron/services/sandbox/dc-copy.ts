import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { FOLDER_DISK_DESCRIPTOR, folderDiskSchema } from '../../../shared/disks.ts';
import type { BlobAccess } from './blob-access.ts';
import {
  ManifestProblem,
  parseDriveManifest,
  renamed,
  type DcBlob,
  type DcCredential,
  type LogBlob,
  type LogRange,
} from './dc-manifest.ts';

/**
 * The copy of one drive, as the service does it (datacenter.ts drives the job around it): descriptor, BitLocker key,
 * manifest hash and format, the manifest's own credential, then every blob range by range with its MD5 checked.
 */
type Obj = Record<string, unknown>;
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex').toUpperCase();

/** A FilePath (`\dir\file`, relative to the drive root) → absolute path inside the disk, refusing escapes. */
function resolveOnDisk(root: string, filePath: string): string | undefined {
  const parts = filePath.split(/[\\/]+/).filter(Boolean);
  if (parts.some((p) => p === '..' || p === '.')) return undefined;
  const full = resolve(root, ...parts);
  return full.startsWith(root + sep) ? full : undefined;
}

export interface DriveOutcome {
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
  if (cred.kind === 'containerSas')
    return { container: (name) => blobs.containerWithSas(account, name, cred.token), mayCreateContainer: false };
  const svc = blobs.serviceWithKey(account, cred.key);
  return { container: (name) => svc.getContainerClient(name), mayCreateContainer: true };
}

async function copyBlob(
  target: BlobTarget,
  root: string,
  b: DcBlob,
  pageBlobsAllowed: boolean,
): Promise<{ log: LogBlob; bytes: number }> {
  const log: LogBlob = {
    status: 'Completed',
    blobPath: b.blobPath,
    filePath: b.filePath,
    length: b.length,
    kind: b.kind,
    ranges: [],
  };
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
      if (b.disposition === 'no-overwrite')
        return {
          log: { ...log, status: 'Completed', disposition: { value: b.disposition, status: 'Skipped' } },
          bytes: 0,
        };
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
      else if (b.kind === 'page' && (r.offset % 512 !== 0 || r.length % 512 !== 0 || r.length > 4 * 1024 * 1024))
        status = 'Failed';
      else if (md5(buf).toUpperCase() !== r.hash.toUpperCase()) status = 'Corrupted';
      if (status === 'Completed') good.push({ r, buf });
      else bad++;
      ranges.push({
        offset: r.offset,
        length: r.length,
        hash: r.hash,
        status: b.kind === 'block' && status === 'Completed' ? 'Committed' : status,
      });
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

export async function copyDrive(
  blobs: BlobAccess,
  account: string,
  pageBlobsAllowed: boolean,
  drive: Obj,
  root: string | undefined,
): Promise<DriveOutcome> {
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
  const out: DriveOutcome = {
    driveId,
    status: 'Completed',
    bytesSucceeded: 0,
    blobs: [],
    manifestXml: raw.toString('utf8'),
  };
  const cred = manifest.credential;
  // WAIE-V1-PREP /csas: "all blobs to be imported or exported must be within the container specified in the shared access signature".
  const outside =
    cred.kind === 'containerSas'
      ? manifest.blobs.find((b) => b.blobPath.slice(0, b.blobPath.indexOf('/')) !== cred.container)
      : undefined;
  if (outside)
    return {
      ...out,
      status: 'BlobRequestForbidden',
      blobs: [
        {
          status: 'BlobRequestForbidden',
          blobPath: outside.blobPath,
          filePath: outside.filePath,
          length: outside.length,
          kind: outside.kind,
          ranges: [],
        },
      ],
    };
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
