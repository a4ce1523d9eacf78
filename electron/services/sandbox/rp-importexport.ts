import { HttpError } from './http-util.ts';
import { page, resourceNotFound, systemData, type Route, type RouteCtx, type SandboxContext } from './arm.ts';
import { requireRegistered } from './rp-resources.ts';
import { IE_LOCATIONS, IE_OPERATIONS, findIeLocation } from './ie-locations.ts';
import type { JobRec } from './state.ts';
import {
  checkDeliveryPackage,
  checkDriveList,
  checkJobName,
  checkReturnAddress,
  checkReturnShipping,
  checkTrackingUnique,
  isObj,
} from './ie-validate.ts';

/** Microsoft.ImportExport: locations, jobs (create/get/update/delete/list), listBitLockerKeys, operations. */
const API = ['2016-11-01', '2020-08-01', '2021-01-01'];
const NS = 'Microsoft.ImportExport';
const JOBS_SUB = '/subscriptions/{subscriptionId}/providers/Microsoft.ImportExport/jobs';
const JOBS_RG =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ImportExport/jobs';
const JOB = `${JOBS_RG}/{jobName}`;

type Obj = Record<string, unknown>;

export const jobKey = (rg: string, name: string) => `${rg.toLowerCase()}/${name.toLowerCase()}`;

/** The job as GET returns it: BitLocker keys are never echoed (listBitLockerKeys gives them). */
export function jobBody(sb: SandboxContext, j: JobRec) {
  const props = { ...j.properties };
  if (Array.isArray(props.driveList))
    props.driveList = (props.driveList as Obj[]).map(({ bitLockerKey: _k, ...d }) => d);
  return {
    systemData: j.systemData,
    properties: props,
    identity: { type: 'None' },
    id: `/subscriptions/${sb.store.state.subscriptionId}/resourceGroups/${j.resourceGroup}/providers/${NS}/jobs/${j.name}`,
    name: j.name,
    type: `${NS}/jobs`,
    location: j.location,
    tags: j.tags,
  };
}

export function findJob(sb: SandboxContext, rg: string, name: string): JobRec {
  const j = sb.store.state.jobs[jobKey(rg, name)];
  if (!j) throw resourceNotFound(`${NS}/jobs/${name}`, rg);
  return j;
}

function allJobs(sb: SandboxContext) {
  return Object.entries(sb.store.state.jobs).map(([key, j]) => ({ key, properties: j.properties }));
}

function checkStorageAccount(ctx: RouteCtx, id: unknown): void {
  if (typeof id !== 'string' || !id)
    throw new HttpError(
      400,
      'InvalidRequestContent',
      "The property 'properties.storageAccountId' is required.",
      {},
      'properties.storageAccountId',
    );
  const m =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.(Classic)?Storage\/storageAccounts\/([^/]+)$/i.exec(
      id,
    );
  const a = m ? ctx.sb.store.state.storageAccounts[m[4].toLowerCase()] : undefined;
  if (
    !m ||
    !a ||
    m[1].toLowerCase() !== ctx.sb.store.state.subscriptionId.toLowerCase() ||
    a.resourceGroup.toLowerCase() !== m[2].toLowerCase()
  ) {
    throw new HttpError(
      400,
      'InvalidStorageAccount',
      `The storage account '${id}' does not exist in this subscription.`,
      {},
      'properties.storageAccountId',
    );
  }
}

async function createJob(ctx: RouteCtx) {
  requireRegistered(ctx.sb, NS);
  const { jobName, resourceGroupName } = ctx.params;
  checkJobName(jobName);
  const body = ctx.body;
  if (!isObj(body) || !isObj(body.properties))
    throw new HttpError(400, 'InvalidRequestContent', "The request body needs 'location' and 'properties'.");
  const location = typeof body.location === 'string' ? findIeLocation(body.location) : undefined;
  if (!location)
    throw new HttpError(
      400,
      'InvalidLocation',
      `The location '${String(body.location ?? '')}' is not an Import/Export location. Known: ${IE_LOCATIONS.map((l) => l.name).join(', ')}.`,
      {},
      'location',
    );
  const p = body.properties;
  const key = jobKey(resourceGroupName, jobName);
  const existing = ctx.sb.store.state.jobs[key];
  if (existing && existing.properties.state !== 'Creating') {
    throw new HttpError(
      409,
      'JobCannotBeUpdated',
      `The job '${jobName}' is in state '${String(existing.properties.state)}'; only jobs in state 'Creating' can be replaced.`,
    );
  }
  checkStorageAccount(ctx, p.storageAccountId);
  const jobType = p.jobType ?? 'Import';
  if (jobType !== 'Import' && jobType !== 'Export')
    throw new HttpError(
      400,
      'InvalidJobType',
      `The job type '${String(jobType)}' is invalid: use 'Import' or 'Export'.`,
      {},
      'properties.jobType',
    );
  // The swagger marks neither returnAddress nor returnShipping required on create (JobDetails has no `required`);
  // Jobs_Update says the return address must be there by the time the job is marked Shipping, which updateJob checks.
  if (p.returnAddress !== undefined) checkReturnAddress(p.returnAddress);
  if (p.returnShipping !== undefined) checkReturnShipping(p.returnShipping);
  let driveList: Obj[] | undefined;
  if (jobType === 'Import') driveList = checkDriveList(p.driveList);
  else if (p.driveList !== undefined)
    throw new HttpError(
      400,
      'InvalidRequestContent',
      "Export jobs do not take 'properties.driveList'.",
      {},
      'properties.driveList',
    );
  else if (!isObj(p.export))
    throw new HttpError(
      400,
      'InvalidRequestContent',
      "An export job needs 'properties.export'.",
      {},
      'properties.export',
    );
  if (p.deliveryPackage !== undefined) {
    checkDeliveryPackage(p.deliveryPackage);
    checkTrackingUnique(allJobs(ctx.sb), key, String((p.deliveryPackage as Obj).trackingNumber));
  }
  const { recipientName, streetAddress1, streetAddress2, city, stateOrProvince, postalCode, countryOrRegion, phone } =
    location.properties;
  const properties: Obj = {
    storageAccountId: p.storageAccountId,
    jobType,
    ...(p.returnAddress !== undefined ? { returnAddress: p.returnAddress } : {}),
    ...(p.returnShipping !== undefined ? { returnShipping: p.returnShipping } : {}),
    shippingInformation: {
      recipientName,
      streetAddress1,
      streetAddress2,
      city,
      stateOrProvince,
      postalCode,
      countryOrRegion,
      phone,
      additionalInformation: '',
    },
    ...(p.deliveryPackage !== undefined ? { deliveryPackage: p.deliveryPackage } : {}),
    diagnosticsPath: typeof p.diagnosticsPath === 'string' && p.diagnosticsPath ? p.diagnosticsPath : 'waimportexport',
    logLevel: p.logLevel === 'Verbose' ? 'Verbose' : 'Error',
    backupDriveManifest: p.backupDriveManifest === true,
    cancelRequested: false,
    state: 'Creating',
    ...(driveList ? { driveList } : {}),
    ...(isObj(p.export) ? { export: p.export } : {}),
    provisioningState: 'Succeeded',
    encryptionKey: isObj(p.encryptionKey) ? p.encryptionKey : { kekType: 'MicrosoftManaged' },
  };
  const rec: JobRec = {
    subscriptionId: ctx.sb.store.state.subscriptionId,
    resourceGroup: existing?.resourceGroup ?? ctx.sb.store.state.resourceGroups[resourceGroupName.toLowerCase()].name,
    name: existing?.name ?? jobName,
    location: location.name,
    tags: isObj(body.tags) ? (body.tags as Record<string, string>) : {},
    properties,
    systemData: systemData(ctx, existing?.systemData),
  };
  ctx.sb.store.state.jobs[key] = rec;
  await ctx.sb.store.save();
  return { status: existing ? 200 : 201, body: jobBody(ctx.sb, rec) };
}

/**
 * States after which nothing but tags and log level change (IE-STATUS: the drives are on their way back). A job
 * canceled through `cancelRequested` also ends here, in Completed ("A canceled job is moved to the Completed state",
 * Canceling and deleting Import/Export jobs); there is no separate Canceled state in the API.
 */
const FINISHED = new Set(['Completed', 'Closed']);
/** "To request that a job be canceled before it is in the Packaging state, … set CancelRequested to true." */
const CANCELLABLE = new Set(['Creating', 'Shipping', 'Received', 'Transferring']);

/**
 * The PATCH body's properties that ask for a change. UpdateJobParameters gives `cancelRequested` and
 * `backupDriveManifest` a default of false, and Microsoft's generated clients (Python, `az`) send those defaults on
 * every update: a value equal to the swagger's default is the same as leaving the property out (the swagger says
 * Jobs_Update "updates specific properties of a job"), so it neither cancels nor turns a creation setting off.
 */
function requested(p: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined || v === null) continue;
    if ((k === 'cancelRequested' || k === 'backupDriveManifest') && v === false) continue;
    if (k === 'state' && v === '') continue;
    out[k] = v;
  }
  return out;
}

async function updateJob(ctx: RouteCtx) {
  requireRegistered(ctx.sb, NS);
  const j = findJob(ctx.sb, ctx.params.resourceGroupName, ctx.params.jobName);
  const body = ctx.body;
  if (!isObj(body)) throw new HttpError(400, 'InvalidRequestContent', 'The request body must be a JSON object.');
  const raw: Obj = isObj(body.properties) ? body.properties : {};
  for (const k of ['cancelRequested', 'backupDriveManifest'] as const) {
    if (raw[k] !== undefined && raw[k] !== null && typeof raw[k] !== 'boolean')
      throw new HttpError(
        400,
        'InvalidRequestContent',
        `'properties.${k}' must be true or false.`,
        {},
        `properties.${k}`,
      );
  }
  const p = requested(raw);
  const cur = String(j.properties.state);
  const key = jobKey(j.resourceGroup, j.name);
  const shippingChange = ['state', 'returnAddress', 'returnShipping', 'deliveryPackage', 'driveList'].filter(
    (k) => p[k] !== undefined,
  );
  if (FINISHED.has(cur) && shippingChange.length) {
    throw new HttpError(
      409,
      'JobCannotBeUpdated',
      `The job '${j.name}' is in state '${cur}': its ${shippingChange.join(', ')} can no longer change.`,
    );
  }
  if (p.cancelRequested === true && !CANCELLABLE.has(cur)) {
    throw new HttpError(
      409,
      'CancelNotAllowed',
      `The job '${j.name}' is in state '${cur}': a job can be canceled only before it reaches Packaging.`,
      {},
      'properties.cancelRequested',
    );
  }
  const newState = typeof p.state === 'string' ? p.state : undefined;
  if (newState !== undefined && newState !== 'Shipping') {
    throw new HttpError(
      400,
      'InvalidJobState',
      `'properties.state' can only be set to 'Shipping' (got '${newState}').`,
      {},
      'properties.state',
    );
  }
  if (p.driveList !== undefined && cur !== 'Creating')
    throw new HttpError(
      409,
      'JobCannotBeUpdated',
      `The drive list of job '${j.name}' can only change in state 'Creating' (it is '${cur}').`,
      {},
      'properties.driveList',
    );
  const driveList = p.driveList !== undefined ? checkDriveList(p.driveList) : undefined;
  if (p.returnAddress !== undefined) checkReturnAddress(p.returnAddress);
  if (p.returnShipping !== undefined) checkReturnShipping(p.returnShipping);
  if (p.deliveryPackage !== undefined) {
    if (cur !== 'Creating' && cur !== 'Shipping')
      throw new HttpError(
        409,
        'JobCannotBeUpdated',
        `The delivery package of job '${j.name}' can only change before the datacenter receives it (state is '${cur}').`,
        {},
        'properties.deliveryPackage',
      );
    checkDeliveryPackage(p.deliveryPackage);
    checkTrackingUnique(allJobs(ctx.sb), key, String((p.deliveryPackage as Obj).trackingNumber));
  }
  if (newState === 'Shipping') {
    if (cur !== 'Creating' && cur !== 'Shipping')
      throw new HttpError(
        409,
        'InvalidJobState',
        `The job '${j.name}' is in state '${cur}' and cannot be marked Shipping.`,
        {},
        'properties.state',
      );
    if (!(p.returnAddress ?? j.properties.returnAddress))
      throw new HttpError(
        400,
        'ReturnInformationRequired',
        "Marking a job Shipping needs 'properties.returnAddress' (in this request or an earlier one).",
        {},
        'properties.returnAddress',
      );
    const dp = p.deliveryPackage ?? j.properties.deliveryPackage;
    if (!isObj(dp) || !dp.trackingNumber)
      throw new HttpError(
        400,
        'DeliveryPackageRequired',
        "Marking a job Shipping needs 'properties.deliveryPackage' with the carrier and tracking number.",
        {},
        'properties.deliveryPackage',
      );
  }
  const np = j.properties;
  for (const k of ['returnAddress', 'returnShipping', 'deliveryPackage', 'logLevel', 'backupDriveManifest'] as const)
    if (p[k] !== undefined) np[k] = p[k];
  if (driveList) np.driveList = driveList;
  if (newState && p.cancelRequested !== true) np.state = newState;
  if (p.cancelRequested === true) {
    np.cancelRequested = true;
    np.state = 'Completed';
  }
  if (isObj(body.tags)) j.tags = body.tags as Record<string, string>;
  j.systemData = systemData(ctx, j.systemData);
  await ctx.sb.store.save();
  return { status: 200, body: jobBody(ctx.sb, j) };
}

function listJobs(ctx: RouteCtx, rg?: string) {
  requireRegistered(ctx.sb, NS);
  const jobs = Object.values(ctx.sb.store.state.jobs)
    .filter((j) => !rg || j.resourceGroup.toLowerCase() === rg.toLowerCase())
    .sort((a, b) => a.systemData.createdAt.localeCompare(b.systemData.createdAt) || a.name.localeCompare(b.name))
    .map((j) => jobBody(ctx.sb, j));
  return { status: 200, body: page(ctx, jobs) };
}

export const importExportRoutes: Route[] = [
  {
    method: 'GET',
    path: '/providers/Microsoft.ImportExport/locations',
    apiVersions: API,
    action: 'Microsoft.ImportExport/locations/read',
    handler: () => ({ status: 200, body: { value: IE_LOCATIONS } }),
  },
  {
    method: 'GET',
    path: '/providers/Microsoft.ImportExport/locations/{locationName}',
    apiVersions: API,
    action: 'Microsoft.ImportExport/locations/read',
    handler: ({ params }) => {
      const l = findIeLocation(params.locationName);
      if (!l)
        throw new HttpError(
          404,
          'LocationNotFound',
          `The Import/Export location '${params.locationName}' does not exist.`,
        );
      return { status: 200, body: l };
    },
  },
  {
    method: 'GET',
    path: '/providers/Microsoft.ImportExport/operations',
    apiVersions: API,
    action: 'Microsoft.ImportExport/operations/read',
    handler: () => ({ status: 200, body: { value: IE_OPERATIONS } }),
  },
  {
    method: 'GET',
    path: JOBS_SUB,
    apiVersions: API,
    action: 'Microsoft.ImportExport/jobs/read',
    handler: (ctx) => listJobs(ctx),
  },
  {
    method: 'GET',
    path: JOBS_RG,
    apiVersions: API,
    action: 'Microsoft.ImportExport/jobs/read',
    handler: (ctx) => listJobs(ctx, ctx.params.resourceGroupName),
  },
  {
    method: 'GET',
    path: JOB,
    apiVersions: API,
    action: 'Microsoft.ImportExport/jobs/read',
    handler: (ctx) => {
      requireRegistered(ctx.sb, NS);
      return { status: 200, body: jobBody(ctx.sb, findJob(ctx.sb, ctx.params.resourceGroupName, ctx.params.jobName)) };
    },
  },
  { method: 'PUT', path: JOB, apiVersions: API, action: 'Microsoft.ImportExport/jobs/write', handler: createJob },
  { method: 'PATCH', path: JOB, apiVersions: API, action: 'Microsoft.ImportExport/jobs/write', handler: updateJob },
  {
    method: 'DELETE',
    path: JOB,
    apiVersions: API,
    action: 'Microsoft.ImportExport/jobs/delete',
    handler: async (ctx) => {
      requireRegistered(ctx.sb, NS);
      const key = jobKey(ctx.params.resourceGroupName, ctx.params.jobName);
      // Jobs_Delete documents only 200 (and errors): a job that is not there is an error, not a 204.
      const j = findJob(ctx.sb, ctx.params.resourceGroupName, ctx.params.jobName);
      const st = String(j.properties.state);
      if (st !== 'Creating' && st !== 'Completed') {
        throw new HttpError(
          409,
          'JobCannotBeDeleted',
          `The job '${j.name}' is in state '${st}'; only jobs in state 'Creating' or 'Completed' can be deleted.`,
        );
      }
      delete ctx.sb.store.state.jobs[key];
      await ctx.sb.store.save();
      return { status: 200 };
    },
  },
  {
    method: 'POST',
    path: `${JOB}/listBitLockerKeys`,
    apiVersions: API,
    action: 'Microsoft.ImportExport/jobs/listBitLockerKeys/action',
    handler: (ctx) => {
      requireRegistered(ctx.sb, NS);
      const j = findJob(ctx.sb, ctx.params.resourceGroupName, ctx.params.jobName);
      const drives = (j.properties.driveList as Obj[] | undefined) ?? [];
      return {
        status: 200,
        body: { value: drives.map((d) => ({ driveId: d.driveId, bitLockerKey: d.bitLockerKey })) },
      };
    },
  },
];
