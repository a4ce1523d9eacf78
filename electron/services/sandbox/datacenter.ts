import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FOLDER_DISK_DESCRIPTOR, folderDiskSchema } from '../../../shared/disks.ts';
import { HttpError } from './http-util.ts';
import type { SandboxContext } from './arm.ts';
import type { BlobAccess } from './blob-access.ts';
import { jobBody, jobKey } from './rp-importexport.ts';
import { dataBoxDcJob } from './dc-databox.ts';
import type { DcJob } from './dc-job.ts';
import { buildDriveLog } from './dc-manifest.ts';
import { copyDrive } from './dc-copy.ts';
import type { JobRec } from './state.ts';

/**
 * Datacenter simulation (admin API only): disks arrive (Shipping → Received), are copied (Transferring) and the
 * job ends Completed (no errors) or Closed (errors). The copy (dc-copy.ts) does what the service does with a folder disk:
 * descriptor serial = driveId, BitLocker key = the job's, manifest MD5 = manifestHash, every range's MD5 checked
 * (Azurite does not check Content-MD5), page/block blobs written into the job's storage account, a DriveLog
 * written to the diagnostics path, per-drive state/copyStatus/percent/bytes/log URIs set.
 *
 * One simulation for both providers: it works on a `DcJob` view — Import/Export jobs directly (their driveList),
 * Data Box customer-disk jobs through `dc-databox.ts`, which translates states and copy statuses both ways.
 */
type Obj = Record<string, unknown>;
const stamp = (d = new Date()) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .replace(/\.(\d{3})Z$/, '-$1');

export type DcProvider = 'ImportExport' | 'DataBox';

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
      p.returnPackage = {
        carrierName: this.returnCarrier,
        trackingNumber: `RET${Date.now()}`,
        driveCount: this.drives.length,
        shipDate: new Date().toISOString(),
      };
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
  if (ie && db)
    throw new HttpError(
      409,
      'AmbiguousJob',
      `Both an Import/Export job and a Data Box job are named '${name}' in '${rg}': pass provider 'ImportExport' or 'DataBox'.`,
    );
  if (ie) return importExportDcJob(sb, ie);
  if (db) return db;
  throw new HttpError(
    404,
    'ResourceNotFound',
    `No ${provider === 'DataBox' ? 'Data Box ' : provider === 'ImportExport' ? 'Import/Export ' : ''}job '${name}' in resource group '${rg}'.`,
  );
}

function diskMap(sb: SandboxContext, j: DcJob): Record<string, string> {
  const st = sb.store.state;
  st.datacenter ??= {};
  return (st.datacenter[j.mapKey] ??= {});
}

export async function receiveDisks(
  sb: SandboxContext,
  rg: string,
  name: string,
  disks: Array<{ path: string; driveId?: string }>,
  provider?: DcProvider,
) {
  const j = findDcJob(sb, rg, name, provider);
  // A drive that was NeverReceived and arrives later moves to Received (SPEC §6.5), so Received accepts more disks.
  if (j.state !== 'Shipping' && j.state !== 'Received') {
    throw new HttpError(
      409,
      'InvalidJobState',
      `Job '${j.name}' is in state '${j.state}'; disks can only arrive for a job in state 'Shipping' (or 'Received', for late disks).`,
    );
  }
  const map = diskMap(sb, j);
  for (const d of disks) {
    let id = d.driveId;
    if (!id) {
      try {
        id = folderDiskSchema.parse(JSON.parse(await readFile(join(d.path, FOLDER_DISK_DESCRIPTOR), 'utf8'))).serial;
      } catch (err) {
        throw new HttpError(
          400,
          'InvalidDisk',
          `Cannot read the folder disk descriptor ${join(d.path, FOLDER_DISK_DESCRIPTOR)}: ${(err as Error).message}`,
        );
      }
    }
    const drive = j.drives.find((x) => String(x.driveId).toUpperCase() === id!.toUpperCase());
    if (!drive)
      throw new HttpError(
        400,
        'DriveNotInJob',
        `The disk at ${d.path} (serial ${id}) is not listed in job '${j.name}'.`,
      );
    map[String(drive.driveId)] = resolve(d.path);
  }
  for (const dr of j.drives) dr.state = map[String(dr.driveId)] ? 'Received' : 'NeverReceived';
  j.state = 'Received';
  j.commit();
  await sb.store.save();
  return j.body();
}

/** Copies every received drive; `stopAt: 'Transferring'` leaves the job there (for UI/state tests). */
export async function transferJob(
  sb: SandboxContext,
  blobs: BlobAccess,
  rg: string,
  name: string,
  opts: { stopAt?: 'Transferring'; provider?: DcProvider } = {},
) {
  const j = findDcJob(sb, rg, name, opts.provider);
  if (j.state !== 'Received' && j.state !== 'Transferring') {
    throw new HttpError(
      409,
      'InvalidJobState',
      `Job '${j.name}' is in state '${j.state}'; the copy starts from state 'Received'.`,
    );
  }
  j.state = 'Transferring';
  const map = diskMap(sb, j);
  for (const d of j.drives)
    if (d.state === 'Received')
      Object.assign(d, { state: 'Transferring', copyStatus: 'InProgress', percentComplete: 0, bytesSucceeded: 0 });
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
      entry.errorLog = buildDriveLog(
        outcome.driveId,
        outcome.blobs.filter((b) => b.status !== 'Completed'),
        outcome.status,
      );
      d.errorLogUri = await put('error', entry.errorLog);
    }
    if (j.verbose) {
      entry.verboseLog = buildDriveLog(outcome.driveId, outcome.blobs, outcome.status);
      d.verboseLogUri = await put('verbose', entry.verboseLog);
    }
    if (j.backupManifest && outcome.manifestXml) d.manifestUri = await put('manifest', outcome.manifestXml);
    Object.assign(d, {
      state: failed ? 'CompletedMoreInfo' : 'Completed',
      copyStatus: outcome.status,
      percentComplete: 100,
      bytesSucceeded: outcome.bytesSucceeded,
    });
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
export async function forceJobState(
  sb: SandboxContext,
  rg: string,
  name: string,
  state: string,
  provider?: DcProvider,
) {
  if (!ALL_STATES.includes(state))
    throw new HttpError(400, 'InvalidJobState', `Unknown job state '${state}'. Use one of ${ALL_STATES.join(', ')}.`);
  const j = findDcJob(sb, rg, name, provider);
  j.state = state;
  j.commit();
  await sb.store.save();
  return j.body();
}
