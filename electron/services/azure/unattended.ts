/**
 * Unattended access (SPEC decision 2): later runs — the scheduler checking an import job's status, the import
 * verification reading the imported data — sign in as the `AzureOfflineBackup_<user oid>` application with this
 * machine's certificate (client credentials + a signed client assertion, `x5t#S256`), no user present.
 * The private key comes from the record `ensureEntraApp` saved, through the Protector.
 */
import { X509Certificate } from 'node:crypto';
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { CloudDefinition } from '../../../shared/clouds.ts';
import { AppError } from '../../../shared/errors.ts';
import { credentialRecordPath, loadCredentialRecord, unprotectPrivateKey, type EntraCredentialRecord } from './entra-app.ts';
import type { CloudHttp } from './http.ts';
import type { Protector } from './protector.ts';

export interface UnattendedOptions {
  cloud: CloudDefinition;
  http: CloudHttp;
  protector: Protector;
  record: EntraCredentialRecord;
}

/** A TokenCredential for the application (ARM scope of the cloud by default; pass `graph` for Graph). */
export async function appCredential(o: UnattendedOptions, resource: 'arm' | 'graph' = 'arm'): Promise<TokenCredential> {
  const { cloud, record } = o;
  if (!record.registered)
    throw new AppError('CONFLICT', `This machine's certificate for ${record.appId} was never added to the application; run the Entra step again first.`, { appId: record.appId });
  const privateKey = await unprotectPrivateKey(record, o.protector);
  const thumbprintSha256 = new X509Certificate(record.certPem).fingerprint256.replace(/:/g, '');
  const cca = new ConfidentialClientApplication({
    auth: {
      clientId: record.appId,
      authority: `${cloud.authorityHost}/${record.tenantId || cloud.tenant}`,
      ...(cloud.knownAuthorities?.length ? { knownAuthorities: cloud.knownAuthorities } : {}),
      clientCertificate: { thumbprintSha256, privateKey, x5c: record.certPem },
    },
    system: { networkClient: o.http.msalNetworkModule(), loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => undefined } },
  });
  const scope = resource === 'arm' ? `${cloud.armEndpoint}/.default` : `${cloud.graphEndpoint}/.default`;
  return {
    async getToken(): Promise<AccessToken> {
      try {
        const r = await cca.acquireTokenByClientCredential({ scopes: [scope] });
        if (!r?.accessToken) throw new Error('no access token returned');
        return { token: r.accessToken, expiresOnTimestamp: (r.expiresOn ?? new Date(Date.now() + 60_000)).getTime(), tokenType: 'Bearer' };
      } catch (err) {
        if (err instanceof AppError) throw err;
        const e = err as { errorCode?: string; errorMessage?: string; message?: string };
        throw new AppError(
          'SIGNIN_REQUIRED',
          `The ${record.appId} application could not sign in with this machine's certificate (${e.errorCode || 'error'}: ${(e.errorMessage || e.message || '').split('\n')[0]}). ` +
            'The certificate may have been removed from the application or expired; run the Entra step again while signed in.',
          { appId: record.appId, thumbprint: record.thumbprint },
        );
      }
    },
  };
}

/** The record saved by ensureEntraApp for this user on this machine, or null. */
export function loadAppRecord(dataDir: string, cloudName: string, userObjectId: string): Promise<EntraCredentialRecord | null> {
  return loadCredentialRecord(credentialRecordPath(dataDir, cloudName, userObjectId));
}
