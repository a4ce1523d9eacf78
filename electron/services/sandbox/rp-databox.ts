import { HttpError } from './http-util.ts';
import { page, resourceNotFound, systemData, type Route, type RouteCtx, type SandboxContext } from './arm.ts';
import { requireRegistered } from './rp-resources.ts';
import { findIeLocation, IE_LOCATIONS } from './ie-locations.ts';
import { isObj } from './ie-validate.ts';
import { accepted, lroRoutes } from './db-lro.ts';
import type { JobRec } from './state.ts';
import {
  checkCarrierInfo,
  checkContactDetails,
  checkDataImport,
  checkDbJobName,
  checkImportDisks,
  checkReturnPackage,
  checkShippingAddress,
} from './db-validate.ts';

/**
 * Microsoft.DataBox jobs with sku `DataBoxCustomerDisk` (SPEC §6.9): PUT/GET/PATCH/DELETE, list by subscription /
 * group, `markDevicesShipped`, `cancel`, `listCredentials`. Shapes follow @azure/arm-databox's models (there are no
 * official Data Box examples in the repo). Stages: DeviceOrdered → (markDevicesShipped) ShippedToAzureDC → (datacenter)
 * AtAzureDC → DataCopy → Completed | CompletedWithErrors; cancel (only while DeviceOrdered) → Cancelled.
 */
/** Every api-version the Data Box specs' readme lists (specification/databox/…/DataBox/readme.md, tags package-2018-01 … package-2025-07). */
export const DB_API = [
  '2025-07-01',
  '2025-02-01',
  '2024-03-01-preview',
  '2024-02-01-preview',
  '2023-12-01',
  '2023-03-01',
  '2022-12-01',
  '2022-10-01',
  '2022-09-01',
  '2022-02-01',
  '2021-12-01',
  '2021-08-01-preview',
  '2021-05-01',
  '2021-03-01',
  '2020-11-01',
  '2020-04-01',
  '2019-09-01',
  '2018-01-01',
];
const NS = 'Microsoft.DataBox';
const JOBS_SUB = '/subscriptions/{subscriptionId}/providers/Microsoft.DataBox/jobs';
const JOBS_RG = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.DataBox/jobs';
const JOB = `${JOBS_RG}/{jobName}`;
export const SKU = 'DataBoxCustomerDisk';

type Obj = Record<string, unknown>;

const STAGES: Array<[string, string]> = [
  ['DeviceOrdered', 'Ordered'],
  ['ShippedToAzureDC', 'Shipped to Azure datacenter'],
  ['AtAzureDC', 'Received at Azure datacenter'],
  ['DataCopy', 'Data copy in progress'],
  ['Completed', 'Completed'],
];
const TERMINAL = new Set(['Completed', 'CompletedWithErrors', 'CompletedWithWarnings', 'Cancelled', 'Aborted']);

export const dbKey = (rg: string, name: string) => `${rg.toLowerCase()}/${name.toLowerCase()}`;
export const dbJobs = (sb: SandboxContext): Record<string, JobRec> => (sb.store.state.dataBoxJobs ??= {});

export const details = (j: JobRec): Obj => j.properties.details as Obj;

/** Moves a job to `stage`, remembering when (for jobStages). */
export function setStage(j: JobRec, stage: string): void {
  j.properties.status = stage;
  const times = (j.properties._stageTimes ??= {}) as Record<string, string>;
  times[stage] = new Date().toISOString();
  j.systemData.lastModifiedAt = new Date().toISOString();
}

function jobStages(j: JobRec): Obj[] {
  const status = String(j.properties.status);
  const times = (j.properties._stageTimes ?? {}) as Record<string, string>;
  const at = (s: string) => (times[s] ? { stageTime: times[s] } : {});
  if (status === 'Cancelled') {
    return [
      { stageName: 'DeviceOrdered', displayName: 'Ordered', stageStatus: 'Succeeded', ...at('DeviceOrdered') },
      { stageName: 'Cancelled', displayName: 'Canceled', stageStatus: 'Cancelled', ...at('Cancelled') },
    ];
  }
  const last =
    status === 'CompletedWithErrors'
      ? (['CompletedWithErrors', 'Completed with errors'] as [string, string])
      : STAGES[4];
  const line = [...STAGES.slice(0, 4), last];
  const idx = line.findIndex(([s]) => s === status);
  return line.map(([stageName, displayName], i) => ({
    stageName,
    displayName,
    stageStatus:
      idx < 0 || i > idx
        ? 'None'
        : i < idx
          ? 'Succeeded'
          : stageName === 'CompletedWithErrors'
            ? 'SucceededWithErrors'
            : stageName === 'Completed'
              ? 'Succeeded'
              : 'InProgress',
    ...at(stageName),
  }));
}

/** `$expand=details` asks for the job's details (the swagger: "This field will only be sent for expand details filter"). */
export const expandsDetails = (ctx: RouteCtx) => /(^|,)\s*details\s*(,|$)/i.test(ctx.query.get('$expand') ?? '');

/**
 * The job as GET returns it: `details` (disks, addresses, copy progress, stages) only when `expand` (Jobs_Get with
 * `$expand=details`); the swagger's `x-ms-secret` fields (BitLocker keys, the return carrier's account number) are
 * never echoed (listCredentials gives them).
 */
export function dbJobBody(sb: SandboxContext, j: JobRec, o: { expand?: boolean } = { expand: true }) {
  const { _stageTimes: _t, details: d, ...props } = j.properties;
  const det = { ...(d as Obj) };
  det.importDiskDetailsCollection = Object.fromEntries(
    Object.entries((det.importDiskDetailsCollection ?? {}) as Record<string, Obj>).map(
      ([serial, { bitLockerKey: _k, ...rest }]) => [serial, rest],
    ),
  );
  // x-ms-secret: the return carrier's account number is read through listCredentials, never sent back by GET/PUT/PATCH.
  if (isObj(det.returnToCustomerPackageDetails)) {
    const { carrierAccountNumber: _a, ...ret } = det.returnToCustomerPackageDetails;
    det.returnToCustomerPackageDetails = ret;
  }
  det.jobStages = jobStages(j);
  const status = String(props.status);
  return {
    sku: j.sku ?? { name: SKU },
    location: j.location,
    tags: j.tags,
    identity: { type: 'None' },
    systemData: j.systemData,
    properties: {
      ...props,
      isCancellable: status === 'DeviceOrdered',
      isDeletable: TERMINAL.has(status),
      isShippingAddressEditable: !TERMINAL.has(status) && status !== 'DataCopy',
      isPrepareToShipEnabled: false,
      isCancellableWithoutFee: status === 'DeviceOrdered',
      ...(o.expand ? { details: det } : {}),
    },
    id: `/subscriptions/${sb.store.state.subscriptionId}/resourceGroups/${j.resourceGroup}/providers/${NS}/jobs/${j.name}`,
    name: j.name,
    type: `${NS}/jobs`,
  };
}

export function findDbJob(sb: SandboxContext, rg: string, name: string): JobRec {
  const j = dbJobs(sb)[dbKey(rg, name)];
  if (!j) throw resourceNotFound(`${NS}/jobs/${name}`, rg);
  return j;
}

function datacenterAddress(location: string): Obj {
  const l = findIeLocation(location);
  if (!l) return { datacenterAddressType: 'DatacenterAddressLocation', dataCenterAzureLocation: location };
  const p = l.properties;
  return {
    datacenterAddressType: 'DatacenterAddressLocation',
    contactPersonName: p.recipientName,
    street1: p.streetAddress1,
    city: p.city,
    state: p.stateOrProvince,
    zip: p.postalCode,
    country: p.countryOrRegion,
    phone: p.phone,
    additionalShippingInformation: p.additionalShippingInformation,
    supportedCarriersForReturnShipment: p.supportedCarriers,
    dataCenterAzureLocation: l.id.slice(l.id.lastIndexOf('/') + 1),
  };
}

async function createJob(ctx: RouteCtx) {
  requireRegistered(ctx.sb, NS);
  const { jobName, resourceGroupName } = ctx.params;
  checkDbJobName(jobName);
  const body = ctx.body;
  if (!isObj(body) || !isObj(body.properties))
    throw new HttpError(400, 'InvalidRequestContent', "The request body needs 'location', 'sku' and 'properties'.");
  const key = dbKey(resourceGroupName, jobName);
  if (dbJobs(ctx.sb)[key])
    throw new HttpError(
      409,
      'JobAlreadyExists',
      `The job '${jobName}' already exists; an existing job cannot be replaced, use PATCH to update it.`,
    );
  const location = typeof body.location === 'string' ? findIeLocation(body.location) : undefined;
  if (!location)
    throw new HttpError(
      400,
      'InvalidLocation',
      `The location '${String(body.location ?? '')}' has no datacenter accepting customer disks. Known: ${IE_LOCATIONS.map((l) => l.id.split('/').pop()).join(', ')}.`,
      {},
      'location',
    );
  const sku = isObj(body.sku) ? body.sku.name : undefined;
  if (sku !== SKU)
    throw new HttpError(
      400,
      'InvalidSku',
      `The sku '${String(sku ?? '')}' is not supported here: the sandbox offers only '${SKU}' (jobs that import your own disks).`,
      {},
      'sku.name',
    );
  const p = body.properties;
  if (p.transferType !== 'ImportToAzure')
    throw new HttpError(
      400,
      'InvalidTransferType',
      `The transfer type '${String(p.transferType ?? '')}' is not supported for ${SKU} jobs here: use 'ImportToAzure'.`,
      {},
      'properties.transferType',
    );
  const d = p.details;
  if (!isObj(d) || d.jobDetailsType !== SKU)
    throw new HttpError(
      400,
      'InvalidJobDetailsType',
      `'properties.details.jobDetailsType' must be '${SKU}' for a ${SKU} job.`,
      {},
      'properties.details.jobDetailsType',
    );
  checkContactDetails(d.contactDetails);
  if (d.shippingAddress !== undefined) checkShippingAddress(d.shippingAddress);
  checkReturnPackage(d.returnToCustomerPackageDetails);
  const storageAccountId = checkDataImport(ctx.sb, d.dataImportDetails);
  // importDiskDetailsCollection is optional in the swagger: a job may be created before its disks are listed.
  const disks = d.importDiskDetailsCollection === undefined ? {} : checkImportDisks(d.importDiskDetailsCollection);
  const di = (d.dataImportDetails as Obj[])[0];
  const rec: JobRec = {
    subscriptionId: ctx.sb.store.state.subscriptionId,
    resourceGroup: ctx.sb.store.state.resourceGroups[resourceGroupName.toLowerCase()].name,
    name: jobName,
    location: location.id.split('/').pop()!,
    tags: isObj(body.tags) ? (body.tags as Record<string, string>) : {},
    sku: { name: SKU },
    properties: {
      transferType: 'ImportToAzure',
      startTime: new Date().toISOString(),
      details: {
        jobDetailsType: SKU,
        contactDetails: d.contactDetails,
        ...(d.shippingAddress !== undefined ? { shippingAddress: d.shippingAddress } : {}),
        dataImportDetails: [
          {
            accountDetails: { dataAccountType: 'StorageAccount', storageAccountId },
            logCollectionLevel: di.logCollectionLevel === 'Verbose' ? 'Verbose' : 'Error',
          },
        ],
        importDiskDetailsCollection: disks,
        returnToCustomerPackageDetails: d.returnToCustomerPackageDetails,
        enableManifestBackup: d.enableManifestBackup === true,
        keyEncryptionKey: isObj(d.keyEncryptionKey) ? d.keyEncryptionKey : { kekType: 'MicrosoftManaged' },
        datacenterAddress: datacenterAddress(location.name),
        copyProgress: [],
        copyLogDetails: [],
      },
    },
    systemData: systemData(ctx),
  };
  setStage(rec, 'DeviceOrdered');
  dbJobs(ctx.sb)[key] = rec;
  await ctx.sb.store.save();
  // A long-running operation (202 + polling headers); its final GET, like a plain Jobs_Get, carries no details.
  return accepted(ctx, rec.location, () => dbJobBody(ctx.sb, dbJobs(ctx.sb)[key] ?? rec, { expand: false }));
}

async function updateJob(ctx: RouteCtx) {
  requireRegistered(ctx.sb, NS);
  const j = findDbJob(ctx.sb, ctx.params.resourceGroupName, ctx.params.jobName);
  const body = ctx.body;
  if (!isObj(body)) throw new HttpError(400, 'InvalidRequestContent', 'The request body must be a JSON object.');
  const status = String(j.properties.status);
  const d: Obj = isObj(body.details)
    ? body.details
    : isObj(body.properties) && isObj(body.properties.details)
      ? body.properties.details
      : {};
  if (TERMINAL.has(status) && Object.values(d).some((v) => v !== undefined)) {
    throw new HttpError(
      409,
      'JobCannotBeUpdated',
      `The job '${j.name}' is in stage '${status}' and can no longer be changed.`,
    );
  }
  if (d.contactDetails !== undefined) checkContactDetails(d.contactDetails, 'details.contactDetails');
  if (d.shippingAddress !== undefined) {
    if (status === 'DataCopy')
      throw new HttpError(
        409,
        'JobCannotBeUpdated',
        `The return address of job '${j.name}' cannot change while its data is being copied.`,
        {},
        'details.shippingAddress',
      );
    checkShippingAddress(d.shippingAddress, 'details.shippingAddress');
  }
  if (d.returnToCustomerPackageDetails !== undefined)
    checkReturnPackage(d.returnToCustomerPackageDetails, 'details.returnToCustomerPackageDetails');
  const det = details(j);
  for (const k of [
    'contactDetails',
    'shippingAddress',
    'returnToCustomerPackageDetails',
    'preferences',
    'keyEncryptionKey',
    'reverseShippingDetails',
  ] as const)
    if (d[k] !== undefined) det[k] = d[k];
  if (isObj(body.tags)) j.tags = body.tags as Record<string, string>;
  j.systemData = systemData(ctx, j.systemData);
  await ctx.sb.store.save();
  return { status: 200, body: dbJobBody(ctx.sb, j, { expand: false }) };
}

async function markShipped(ctx: RouteCtx) {
  requireRegistered(ctx.sb, NS);
  const j = findDbJob(ctx.sb, ctx.params.resourceGroupName, ctx.params.jobName);
  const pkg = checkCarrierInfo(
    isObj(ctx.body) ? ctx.body.deliverToDcPackageDetails : undefined,
    'deliverToDcPackageDetails',
  );
  const status = String(j.properties.status);
  if (status !== 'DeviceOrdered' && status !== 'ShippedToAzureDC') {
    throw new HttpError(
      409,
      'JobCannotBeUpdated',
      `The job '${j.name}' is in stage '${status}': the package to the datacenter can only be recorded before the datacenter receives it.`,
      {},
      'deliverToDcPackageDetails',
    );
  }
  const self = dbKey(j.resourceGroup, j.name);
  for (const [k, o] of Object.entries(dbJobs(ctx.sb))) {
    const other = details(o).deliverToDcPackageDetails as Obj | undefined;
    if (
      k !== self &&
      other &&
      pkg.trackingId &&
      String(other.trackingId).trim().toLowerCase() === pkg.trackingId.trim().toLowerCase()
    ) {
      throw new HttpError(
        409,
        'DuplicateTrackingNumber',
        `The tracking id '${pkg.trackingId}' is already used by another job in this subscription; each job needs its own tracking number.`,
        {},
        'deliverToDcPackageDetails.trackingId',
      );
    }
  }
  details(j).deliverToDcPackageDetails = pkg;
  details(j).deliveryPackage = { ...pkg };
  if (status === 'DeviceOrdered') setStage(j, 'ShippedToAzureDC');
  j.systemData = systemData(ctx, j.systemData);
  await ctx.sb.store.save();
  return { status: 204 };
}

async function cancelJob(ctx: RouteCtx) {
  requireRegistered(ctx.sb, NS);
  const j = findDbJob(ctx.sb, ctx.params.resourceGroupName, ctx.params.jobName);
  const reason = isObj(ctx.body) && typeof ctx.body.reason === 'string' ? ctx.body.reason.trim() : '';
  if (!reason)
    throw new HttpError(
      400,
      'InvalidRequestContent',
      "The property 'reason' is required to cancel a job.",
      {},
      'reason',
    );
  const status = String(j.properties.status);
  if (status !== 'DeviceOrdered') {
    throw new HttpError(
      409,
      'CancelNotAllowed',
      `The job '${j.name}' is in stage '${status}': a customer-disk job can only be canceled before its disks are marked shipped.`,
    );
  }
  j.properties.cancellationReason = reason;
  setStage(j, 'Cancelled');
  j.systemData = systemData(ctx, j.systemData);
  await ctx.sb.store.save();
  return { status: 204 };
}

function listJobs(ctx: RouteCtx, rg?: string) {
  requireRegistered(ctx.sb, NS);
  const jobs = Object.values(dbJobs(ctx.sb))
    .filter((j) => !rg || j.resourceGroup.toLowerCase() === rg.toLowerCase())
    .sort((a, b) => a.systemData.createdAt.localeCompare(b.systemData.createdAt) || a.name.localeCompare(b.name))
    .map((j) => dbJobBody(ctx.sb, j, { expand: expandsDetails(ctx) }));
  return { status: 200, body: page(ctx, jobs) };
}

const A = (op: string) => `Microsoft.DataBox/jobs/${op}`;

export const dataBoxRoutes: Route[] = [
  ...lroRoutes(DB_API),
  { method: 'GET', path: JOBS_SUB, apiVersions: DB_API, action: A('read'), handler: (ctx) => listJobs(ctx) },
  {
    method: 'GET',
    path: JOBS_RG,
    apiVersions: DB_API,
    action: A('read'),
    handler: (ctx) => listJobs(ctx, ctx.params.resourceGroupName),
  },
  {
    method: 'GET',
    path: JOB,
    apiVersions: DB_API,
    action: A('read'),
    handler: (ctx) => {
      requireRegistered(ctx.sb, NS);
      return {
        status: 200,
        body: dbJobBody(ctx.sb, findDbJob(ctx.sb, ctx.params.resourceGroupName, ctx.params.jobName), {
          expand: expandsDetails(ctx),
        }),
      };
    },
  },
  { method: 'PUT', path: JOB, apiVersions: DB_API, action: A('write'), handler: createJob },
  { method: 'PATCH', path: JOB, apiVersions: DB_API, action: A('write'), handler: updateJob },
  {
    method: 'DELETE',
    path: JOB,
    apiVersions: DB_API,
    action: A('delete'),
    handler: async (ctx) => {
      requireRegistered(ctx.sb, NS);
      const key = dbKey(ctx.params.resourceGroupName, ctx.params.jobName);
      const j = dbJobs(ctx.sb)[key];
      // Jobs_Delete (2025-07-01) documents 204 "Resource does not exist".
      if (!j) return { status: 204 };
      const st = String(j.properties.status);
      if (!TERMINAL.has(st)) {
        throw new HttpError(
          409,
          'JobCannotBeDeleted',
          `The job '${j.name}' is in stage '${st}'; only canceled or completed jobs can be deleted (cancel it first while it is still ordered).`,
        );
      }
      delete dbJobs(ctx.sb)[key];
      delete ctx.sb.store.state.datacenter?.[`databox:${key}`];
      await ctx.sb.store.save();
      return { status: 200 };
    },
  },
  {
    method: 'POST',
    path: `${JOB}/markDevicesShipped`,
    apiVersions: DB_API,
    action: A('markDevicesAsShipped/action'),
    handler: markShipped,
  },
  { method: 'POST', path: `${JOB}/cancel`, apiVersions: DB_API, action: A('cancel/action'), handler: cancelJob },
  {
    method: 'POST',
    path: `${JOB}/listCredentials`,
    apiVersions: DB_API,
    action: A('listCredentials/action'),
    handler: (ctx) => {
      requireRegistered(ctx.sb, NS);
      const j = findDbJob(ctx.sb, ctx.params.resourceGroupName, ctx.params.jobName);
      const disks = (details(j).importDiskDetailsCollection ?? {}) as Record<string, Obj>;
      const ret = details(j).returnToCustomerPackageDetails as Obj | undefined;
      return {
        status: 200,
        body: {
          value: [
            {
              jobName: j.name,
              jobSecrets: {
                jobSecretsType: SKU,
                diskSecrets: Object.entries(disks).map(([diskSerialNumber, d]) => ({
                  diskSerialNumber,
                  bitLockerKey: d.bitLockerKey,
                })),
                carrierAccountNumber: ret?.carrierAccountNumber,
              },
            },
          ],
        },
      };
    },
  },
];
