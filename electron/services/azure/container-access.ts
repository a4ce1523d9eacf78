/**
 * The job's blob container for runs nobody watches (SPEC decisions 2 and 15): a `ContainerClient` signed either by
 * the Entra application with this machine's certificate (a token for the cloud's storage scope: not a signed-in user,
 * not the account key) or by an explicit container SAS URL. Every request goes through the cloud's HTTP client (its CA
 * trust, its retries). A refusal — certificate removed from the application, data role removed, SAS expired or its
 * stored access policy revoked — becomes an AppError that says what happened and what to do (`explainAccessFailure`),
 * thrown from inside the client's pipeline so whichever operation meets it carries the same words.
 */
import { AnonymousCredential, ContainerClient, newPipeline, type Pipeline } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient, PipelinePolicy } from '@azure/core-rest-pipeline';
import type { CloudDefinition } from '../../../shared/clouds.ts';
import { AppError } from '../../../shared/errors.ts';
import {
  parseContainerSasUrl,
  redactSasUrl,
  type ContainerSasInfo,
  type SasPurpose,
} from '../../../shared/validators/container-sas.ts';
import type { EntraCredentialRecord } from './entra-app.ts';
import { APP_NAME_PREFIX } from './entra-app.ts';
import { appCredential, storageScopeOf, type UnattendedOptions } from './unattended.ts';

export interface ContainerTarget {
  subscriptionId: string;
  storageAccount: string;
  container: string;
}

/** How the container was opened, for messages and the Jobs row (never a secret). */
export type ContainerVia =
  | { kind: 'entraApp'; appId: string; appName: string; thumbprint: string }
  | { kind: 'sas'; redacted: string; expiresOn?: string; storedPolicy?: string };

export interface OpenedContainer {
  client: ContainerClient;
  via: ContainerVia;
  /** One line: "the Entra application AzureOfflineBackup_… (certificate 1A2B…)" / "a container SAS (expires …)". */
  describe: string;
}

/** A storage account's blob endpoint in `cloud` (`https://{account}.<suffix>/`, or the cloud's template). */
export function blobEndpointOf(cloud: CloudDefinition, account: string): string {
  const t = cloud.blobEndpointTemplate ?? `https://{account}.${cloud.storageEndpointSuffix}/`;
  return t.replace('{account}', account).replace(/\/?$/, '/');
}

function scopeText(t: ContainerTarget): string {
  return `container "${t.container}" of storage account ${t.storageAccount}`;
}

interface RestLike {
  statusCode?: number;
  code?: string;
  details?: { errorCode?: string; AuthenticationErrorDetail?: string; authenticationErrorDetail?: string };
  message?: string;
}

/** The AppError for a 401/403 met through `via`; null for anything else (left to the caller). */
export function explainAccessFailure(err: unknown, via: ContainerVia, t: ContainerTarget): AppError | null {
  if (err instanceof AppError) return err.code === 'SIGNIN_REQUIRED' || err.code === 'PERMISSION_DENIED' ? err : null;
  const e = (err ?? {}) as RestLike;
  const status = e.statusCode;
  if (status !== 401 && status !== 403) return null;
  const code = e.details?.errorCode ?? e.code ?? '';
  const detail = e.details?.AuthenticationErrorDetail ?? e.details?.authenticationErrorDetail ?? '';
  const said = `Azure Storage answered ${status}${code ? ` ${code}` : ''}${detail ? ` (${detail})` : ''}`;
  const details = {
    azureCode: code,
    status,
    credential: via.kind,
    storageAccount: t.storageAccount,
    container: t.container,
  };
  const nothingLost =
    'Nothing was changed in the container by the refused request; the run can be repeated once access is restored.';
  if (via.kind === 'entraApp') {
    const role = `grant the application ${via.appName} (app id ${via.appId}) the role "Storage Blob Data Contributor" on storage account ${t.storageAccount} (Schedule Backup's Entra step does it when run by an Owner; or an Owner runs \`az role assignment create --assignee ${via.appId} --role "Storage Blob Data Contributor" --scope <the account's resource id>\`)`;
    if (status === 403 && code === 'AuthorizationPermissionMismatch')
      return new AppError(
        'PERMISSION_DENIED',
        `${said}: the Entra application may not use ${scopeText(t)}. To fix: ${role}, or give this machine a container SAS URL. ${nothingLost}`,
        { ...details, missingRole: 'Storage Blob Data Contributor' },
      );
    if (status === 401)
      return new AppError(
        'SIGNIN_REQUIRED',
        `${said}: the token of the Entra application ${via.appName} was not accepted for ${scopeText(t)}. Run Schedule Backup's Entra step again (signed in) to renew this machine's certificate on the application, or give a container SAS URL. ${nothingLost}`,
        details,
      );
    return new AppError(
      'PERMISSION_DENIED',
      `${said}: ${scopeText(t)} refused the Entra application ${via.appName}. The account's network rules may block this machine, or the application lacks a data role: ${role}. ${nothingLost}`,
      details,
    );
  }
  const renew = `Create a new SAS for container "${t.container}" with the permissions rwdl and enter it again (Change Properties → Container access, or \`--container-url\`).`;
  if (via.expiresOn && Date.parse(via.expiresOn) <= Date.now())
    return new AppError(
      'SIGNIN_REQUIRED',
      `${said}: the container SAS expired on ${via.expiresOn}. ${renew} ${nothingLost}`,
      { ...details, expiresOn: via.expiresOn },
    );
  if (code === 'AuthorizationPermissionMismatch')
    return new AppError(
      'PERMISSION_DENIED',
      `${said}: the container SAS does not allow this operation. ${renew} ${nothingLost}`,
      details,
    );
  const policy = via.storedPolicy
    ? ` Its stored access policy "${via.storedPolicy}" may have been removed from the container or have expired.`
    : '';
  return new AppError(
    'SIGNIN_REQUIRED',
    `${said}: the container SAS was refused.${policy} It may have been revoked or replaced (a regenerated account key revokes it too). ${renew} ${nothingLost}`,
    details,
  );
}

/** Azure's `AuthenticationErrorDetail` out of an error body, as text. */
function detailOf(body: string | undefined): string {
  const raw = /<AuthenticationErrorDetail>([^<]*)</.exec(body ?? '')?.[1] ?? '';
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return raw.replace(/&(#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : named[e],
  );
}

/** A pipeline policy that turns a final 401/403 into the explained AppError (after the bearer policy's own retry). */
function explainingPolicy(via: ContainerVia, t: ContainerTarget): PipelinePolicy {
  return {
    name: 'obcExplainContainerAccess',
    async sendRequest(request, next) {
      let res;
      try {
        res = await next(request);
      } catch (err) {
        // Inside the pipeline the storage error has no parsed details yet: code and detail come from the response.
        const e = err as RestLike & {
          response?: { bodyAsText?: string | null; headers?: { get(name: string): string | undefined } };
        };
        const code = e.details?.errorCode ?? e.response?.headers?.get('x-ms-error-code') ?? e.code ?? '';
        const detail =
          e.details?.AuthenticationErrorDetail ??
          e.details?.authenticationErrorDetail ??
          detailOf(e.response?.bodyAsText ?? undefined);
        throw (
          explainAccessFailure(
            { statusCode: e.statusCode, code, details: { errorCode: code, AuthenticationErrorDetail: detail } },
            via,
            t,
          ) ?? err
        );
      }
      if (res.status === 401 || res.status === 403) {
        const code = res.headers.get('x-ms-error-code') ?? '';
        const detail = detailOf(res.bodyAsText ?? undefined);
        throw (
          explainAccessFailure(
            { statusCode: res.status, code, details: { errorCode: code, AuthenticationErrorDetail: detail } },
            via,
            t,
          ) ?? new AppError('AZURE', `Azure Storage answered ${res.status}.`)
        );
      }
      return res;
    },
  };
}

function clientWith(
  url: string,
  credential: TokenCredential | AnonymousCredential,
  http: HttpClient,
  via: ContainerVia,
  t: ContainerTarget,
  audience?: string,
): ContainerClient {
  const pipeline: Pipeline = newPipeline(credential, {
    retryOptions: { maxTries: 1 },
    ...(audience ? { audience } : {}),
  });
  // @azure/storage-blob takes only a legacy httpClient option; the core client it caches is set here so the cloud's
  // own client (CA trust for this cloud only, retries with Retry-After) serves these requests too.
  (pipeline as unknown as { _coreHttpClient: HttpClient })._coreHttpClient = http;
  const client = new ContainerClient(url, pipeline);
  const core = (pipeline as unknown as { _corePipeline?: { addPolicy(p: PipelinePolicy): void } })._corePipeline;
  if (!core)
    throw new AppError('INTERNAL', 'The blob client did not build its pipeline; container access cannot be checked.');
  core.addPolicy(explainingPolicy(via, t));
  return client;
}

/** The container through the Entra application of `record` (client credentials with this machine's certificate). */
export async function openWithApp(o: UnattendedOptions, t: ContainerTarget): Promise<OpenedContainer> {
  const rec: EntraCredentialRecord = o.record;
  const credential = await appCredential(o, 'storage');
  const appName = `${APP_NAME_PREFIX}${rec.userObjectId}`;
  const via: ContainerVia = { kind: 'entraApp', appId: rec.appId, appName, thumbprint: rec.thumbprint };
  const url = `${blobEndpointOf(o.cloud, t.storageAccount)}${encodeURIComponent(t.container)}`;
  return {
    client: clientWith(url, credential, o.http, via, t, storageScopeOf(o.cloud)),
    via,
    describe: `the Entra application ${appName} (this machine's certificate ${rec.thumbprint.slice(0, 8)}…)`,
  };
}

/** The container through a SAS URL (checked first: a wrong, expired or too narrow SAS fails before any request). */
export function openWithSas(
  sasUrl: string,
  http: HttpClient,
  o: { purpose?: SasPurpose; expect?: Partial<ContainerTarget> } = {},
): OpenedContainer {
  let info: ContainerSasInfo;
  try {
    info = parseContainerSasUrl(sasUrl, {
      purpose: o.purpose ?? 'backup',
      expect: {
        ...(o.expect?.storageAccount ? { account: o.expect.storageAccount } : {}),
        ...(o.expect?.container ? { container: o.expect.container } : {}),
      },
    });
  } catch (err) {
    const expired = /expired/.test((err as Error).message);
    throw new AppError(expired ? 'SIGNIN_REQUIRED' : 'VALIDATION', (err as Error).message, {
      field: 'containerUrl',
      credential: 'sas',
    });
  }
  const via: ContainerVia = {
    kind: 'sas',
    redacted: info.redacted,
    ...(info.expiresOn ? { expiresOn: info.expiresOn } : {}),
    ...(info.storedPolicy ? { storedPolicy: info.storedPolicy } : {}),
  };
  const t: ContainerTarget = {
    subscriptionId: o.expect?.subscriptionId ?? '',
    storageAccount: info.account,
    container: info.container,
  };
  return {
    client: clientWith(sasUrl.trim(), new AnonymousCredential(), http, via, t),
    via,
    describe: `a container SAS${info.storedPolicy ? ` (stored access policy "${info.storedPolicy}")` : ''}${info.expiresOn ? `, valid until ${info.expiresOn}` : ''}`,
  };
}

export { redactSasUrl };
