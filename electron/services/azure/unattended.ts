/**
 * Unattended access (SPEC decision 2): later runs — the scheduler checking an import job's status, scheduled online
 * backups reading and writing the container — sign in as the `AzureOfflineBackup_<user oid>` application with this
 * machine's certificate (client credentials + a signed client assertion, `x5t#S256`), no user present.
 * The private key comes from the record `ensureEntraApp` saved, through the Protector.
 */
import { X509Certificate } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { CloudDefinition } from '../../../shared/clouds.ts';
import { AppError } from '../../../shared/errors.ts';
import {
  credentialRecordPath,
  loadCredentialRecord,
  unprotectPrivateKey,
  type EntraCredentialRecord,
} from './entra-app.ts';
import type { CloudHttp } from './http.ts';
import type { Protector } from './protector.ts';

export interface UnattendedOptions {
  cloud: CloudDefinition;
  http: CloudHttp;
  protector: Protector;
  record: EntraCredentialRecord;
}

/** Scope of blob data tokens in `cloud` (docs/ARCHITECTURE.md: Storage's one resource ID; the sandbox's own). */
export function storageScopeOf(cloud: CloudDefinition): string {
  return cloud.storageScope ?? 'https://storage.azure.com/.default';
}

const scopeOf = (cloud: CloudDefinition, resource: 'arm' | 'graph' | 'storage') =>
  resource === 'arm'
    ? `${cloud.armEndpoint}/.default`
    : resource === 'graph'
      ? `${cloud.graphEndpoint}/.default`
      : storageScopeOf(cloud);

/** A TokenCredential for the application (ARM scope of the cloud by default; `graph` for Graph, `storage` for blob data). */
export async function appCredential(
  o: UnattendedOptions,
  resource: 'arm' | 'graph' | 'storage' = 'arm',
): Promise<TokenCredential> {
  const { cloud, record } = o;
  if (!record.registered)
    throw new AppError(
      'CONFLICT',
      `This machine's certificate for ${record.appId} was never added to the application; run the Entra step again first.`,
      { appId: record.appId },
    );
  const privateKey = await unprotectPrivateKey(record, o.protector).catch((err: unknown) => {
    throw new AppError(
      'SIGNIN_REQUIRED',
      `This machine's certificate key for the ${record.appId} application cannot be opened here (${(err as Error).message}). ` +
        'It was saved by another program or user (the desktop app keeps it in the system key store, which `obc agent` cannot read); ' +
        "run Schedule Backup's Entra step from the program that runs the schedules, or give a container SAS URL instead.",
      { appId: record.appId },
    );
  });
  const thumbprintSha256 = new X509Certificate(record.certPem).fingerprint256.replace(/:/g, '');
  const cca = new ConfidentialClientApplication({
    auth: {
      clientId: record.appId,
      authority: `${cloud.authorityHost}/${record.tenantId || cloud.tenant}`,
      ...(cloud.knownAuthorities?.length ? { knownAuthorities: cloud.knownAuthorities } : {}),
      clientCertificate: { thumbprintSha256, privateKey, x5c: record.certPem },
    },
    system: {
      networkClient: o.http.msalNetworkModule(),
      loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => undefined },
    },
  });
  const scope = scopeOf(cloud, resource);
  return {
    async getToken(): Promise<AccessToken> {
      try {
        const r = await cca.acquireTokenByClientCredential({ scopes: [scope] });
        if (!r?.accessToken) throw new Error('no access token returned');
        return {
          token: r.accessToken,
          expiresOnTimestamp: (r.expiresOn ?? new Date(Date.now() + 60_000)).getTime(),
          tokenType: 'Bearer',
        };
      } catch (err) {
        if (err instanceof AppError) throw err;
        const e = err as { errorCode?: string; errorMessage?: string; message?: string };
        throw new AppError(
          'SIGNIN_REQUIRED',
          `The ${record.appId} application could not sign in with this machine's certificate (thumbprint ${record.thumbprint}; ${e.errorCode || 'error'}: ${(e.errorMessage || e.message || '').split('\n')[0]}). ` +
            "The certificate may have been removed from the application or expired: run Schedule Backup again and its Entra step (signed in as an owner of the application) to add this machine's certificate again, or give a container SAS URL instead.",
          { appId: record.appId, thumbprint: record.thumbprint },
        );
      }
    },
  };
}

/**
 * The application credential unattended runs of `cloudName` use to reach `account`: the record whose data role was
 * granted on that account (ensureEntraApp notes it), else the only registered record of the cloud. Null when this
 * machine has none; an error naming the candidates when several could be meant.
 */
export async function findAppRecord(
  dataDir: string,
  cloudName: string,
  subscriptionId: string,
  account: string,
): Promise<EntraCredentialRecord | null> {
  const dir = dirname(credentialRecordPath(dataDir, cloudName, 'x'));
  const prefix = `${cloudName.replace(/[^A-Za-z0-9_-]/g, '_')}-`;
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const records: EntraCredentialRecord[] = [];
  for (const n of names.filter((x) => x.startsWith(prefix) && x.endsWith('.json')).sort()) {
    const r = await loadCredentialRecord(join(dir, n));
    if (r?.registered && r.cloud === cloudName) records.push(r);
  }
  const key = `${subscriptionId}/${account}`.toLowerCase();
  const newest = (rs: EntraCredentialRecord[]) => rs.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
  const granted = records.filter((r) => r.storageAccounts?.includes(key));
  // Any of them reaches the account (two users ran the Entra step on this machine): the newest certificate lasts longest.
  if (granted.length) return newest(granted);
  if (records.length <= 1) return records[0] ?? null;
  // Records written before the grants were noted say nothing about the account.
  const pick = records.filter((r) => !r.storageAccounts?.length);
  if (pick.length === 1) return pick[0];
  if (pick.length === 0) return newest(records);
  throw new AppError(
    'CONFLICT',
    `This machine holds certificates for ${pick.length} Entra applications that may reach storage account ${account} (${pick.map((r) => r.appId).join(', ')}); ` +
      `run Schedule Backup's Entra step again for ${account} so the one to use is recorded.`,
    { account },
  );
}
