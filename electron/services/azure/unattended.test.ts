import { createHash, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { decodeProtectedHeader, importX509, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxTls } from '../sandbox/ca.ts';
import { createLocalCertificate, type LocalCertificate } from './cert.ts';
import { AZURE_PUBLIC } from './clouds.ts';
import type { EntraCredentialRecord } from './entra-app.ts';
import { CloudHttp } from './http.ts';
import { FileKeyProtector } from './protector.ts';
import { appCredential } from './unattended.ts';
import { tempDir } from '../test-temp.ts';

/**
 * The certificate credential against a minimal token endpoint that checks the client assertion the way Entra does
 * (signature by the registered certificate, x5t#S256, iss = sub = app id, aud = token endpoint). The sandbox identity
 * server has no client-credentials grant for Graph-created applications yet (see the report).
 */
let server: Server;
let origin = '';
let caCertPem = '';
let dir: string;
let cert: LocalCertificate;
const tenant = randomUUID();
const appId = randomUUID();
const seen: Array<{ header: Record<string, unknown>; claims: Record<string, unknown>; scope: string }> = [];

beforeAll(async () => {
  dir = await tempDir('obc-unattended-');
  cert = await createLocalCertificate('test');
  const tls = await createSandboxTls();
  server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    // A fault in the fake identity provider answers 500, so the test fails on it instead of losing it.
    const answer = async () => {
      const url = req.url ?? '';
      if (url.startsWith(`/${tenant}/v2.0/.well-known/openid-configuration`)) {
        return json(200, {
          issuer: `${origin}/${tenant}/v2.0`,
          token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
          authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`,
          jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
          end_session_endpoint: `${origin}/${tenant}/oauth2/v2.0/logout`,
          response_types_supported: ['code'],
        });
      }
      if (url.startsWith(`/${tenant}/oauth2/v2.0/token`)) {
        const form = new URLSearchParams(raw);
        const assertion = form.get('client_assertion') ?? '';
        const header = decodeProtectedHeader(assertion) as Record<string, unknown>;
        try {
          const key = await importX509(cert.certPem, String(header.alg));
          const { payload } = await jwtVerify(assertion, key, {
            audience: `${origin}/${tenant}/oauth2/v2.0/token`,
            issuer: appId,
            subject: appId,
            clockTolerance: 300 /* Entra allows 5 min skew */,
          });
          seen.push({ header, claims: payload, scope: form.get('scope') ?? '' });
          return json(200, { token_type: 'Bearer', expires_in: 3600, access_token: 'app-token-for-arm' });
        } catch (err) {
          return json(401, { error: 'invalid_client', error_description: `AADSTS700027: ${(err as Error).message}` });
        }
      }
      json(404, { error: 'not_found' });
    };
    req.on('end', () => {
      answer().catch((err: unknown) => json(500, { error: 'fake_idp_fault', error_description: String(err) }));
    });
  }) as unknown as Server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `https://localhost:${(server.address() as AddressInfo).port}`;
  caCertPem = tls.caCertPem;
});
afterAll(async () => {
  await new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  await rm(dir, { recursive: true, force: true });
});

async function setup(registered = true) {
  const cloud = {
    ...AZURE_PUBLIC,
    name: 'T',
    authorityHost: origin,
    tenant,
    knownAuthorities: [new URL(origin).host],
    caCertPem,
    armEndpoint: 'https://management.example',
  };
  const protector = new FileKeyProtector(join(dir, 'k.key'));
  const record: EntraCredentialRecord = {
    cloud: 'T',
    tenantId: tenant,
    userObjectId: randomUUID(),
    appId,
    applicationObjectId: randomUUID(),
    keyId: randomUUID(),
    thumbprint: cert.thumbprint,
    certPem: cert.certPem,
    protectedPrivateKey: (await protector.protect(Buffer.from(cert.privateKeyPem))).toString('base64'),
    registered,
    createdAt: new Date().toISOString(),
  };
  return { cloud, http: new CloudHttp(cloud, { retry: { maxRetries: 0 } }), protector, record };
}

describe('unattended application credential', () => {
  it('gets an ARM token with a client assertion signed by this machine’s certificate', async () => {
    const o = await setup();
    const t = await (await appCredential(o)).getToken([]);
    expect(t?.token).toBe('app-token-for-arm');
    const der = Buffer.from(cert.certDerBase64, 'base64');
    expect(seen[0].header['x5t#S256']).toBe(createHash('sha256').update(der).digest('base64url'));
    expect(seen[0].scope).toContain('https://management.example/.default');
    o.http.dispose();
  });

  it('refuses an unregistered certificate, and explains a rejected one', async () => {
    const o = await setup(false);
    await expect(appCredential(o)).rejects.toMatchObject({ code: 'CONFLICT' });
    const other = await createLocalCertificate('other');
    const o2 = await setup();
    const f = new FileKeyProtector(join(dir, 'k.key'));
    o2.record.protectedPrivateKey = (await f.protect(Buffer.from(other.privateKeyPem))).toString('base64');
    await expect((await appCredential(o2)).getToken([])).rejects.toMatchObject({
      code: 'SIGNIN_REQUIRED',
      message: expect.stringMatching(/run Schedule Backup again and its Entra step/),
    });
    o.http.dispose();
    o2.http.dispose();
  });
});
