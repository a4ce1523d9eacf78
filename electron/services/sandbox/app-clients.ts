import { X509Certificate, createHash } from 'node:crypto';
import { OidcMemoryAdapter } from './oidc-memory-adapter.ts';

/**
 * Applications registered through the Graph emulator become confidential clients of the identity server, as in
 * Entra: client credentials with a certificate assertion (private_key_jwt; MSAL's `clientCertificate`), keys =
 * the application's keyCredentials. An application without a service principal cannot get tokens.
 */
export interface AppPrincipal {
  appId: string;
  /** Service principal object id: the `oid` of the app's tokens and the principalId of its role assignments. */
  principalId: string;
  displayName: string;
  /** keyCredentials[].key values: base64 DER certificates. */
  certificates: string[];
}

export type AppLookup = (appId: string) => AppPrincipal | undefined;

function jwkOf(certB64: string): Record<string, unknown> | undefined {
  try {
    const der = Buffer.from(certB64, 'base64');
    const cert = new X509Certificate(der);
    if (cert.publicKey.asymmetricKeyType !== 'rsa') return undefined;
    const jwk = cert.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const x5tS256 = createHash('sha256').update(der).digest('base64url');
    return { ...jwk, use: 'sig', kid: x5tS256, 'x5t#S256': x5tS256 };
  } catch {
    return undefined;
  }
}

/** oidc-provider client metadata for an app (looked up through the adapter's `Client` model). */
export function appClientMetadata(app: AppPrincipal): Record<string, unknown> | undefined {
  const keys = app.certificates.map(jwkOf).filter((k): k is Record<string, unknown> => !!k);
  if (!keys.length) return undefined;
  return {
    client_id: app.appId,
    client_name: app.displayName,
    token_endpoint_auth_method: 'private_key_jwt',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    jwks: { keys },
  };
}

/** Adapter factory: the in-memory adapter, except `Client`, which reads the Graph applications. */
export function adapterFactory(lookup: AppLookup | undefined) {
  return function createAdapter(name: string) {
    const base = new OidcMemoryAdapter(name);
    if (name !== 'Client' || !lookup) return base;
    return Object.assign(base, {
      find: async (id: string) => {
        const app = lookup(id);
        return app ? appClientMetadata(app) : undefined;
      },
    });
  };
}
