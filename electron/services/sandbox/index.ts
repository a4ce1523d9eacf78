import { createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import type { CloudDefinition } from '../../../shared/clouds.ts';
import { writeJsonAtomic } from '../store/atomic.ts';
import { loadOrCreateTls } from './ca.ts';
import { createIdentity, type IdentityTtl } from './identity.ts';
import { createBearerValidator } from './tokens.ts';
import { StateStore } from './state.ts';
import { createEmulator, type Exchange, type Route, type SandboxContext } from './arm.ts';
import { FaultInjector } from './faults.ts';
import { resourcesRoutes } from './rp-resources.ts';
import { storageRoutes } from './rp-storage.ts';
import { importExportRoutes } from './rp-importexport.ts';
import { dataBoxRoutes } from './rp-databox.ts';
import { authorizationRoutes } from './rp-authorization.ts';
import { graphRoutes } from './graph.ts';
import { startAzurite, freePort, type AzuriteHandle } from './azurite.ts';
import { createBlobAccess } from './blob-access.ts';
import { createBlobFront } from './blob-front.ts';
import { createAdmin } from './admin.ts';
import { SEEDED_USERS, type SandboxUser } from './users.ts';
import { armMetadata } from './arm-metadata.ts';

/** The local sandbox cloud: identity server, ARM + Graph emulators, Azurite, datacenter admin API. */
export interface StartSandboxOptions {
  /** Persistent data directory (state, TLS, Azurite, cloud.json). Default: a temp dir removed by stop(). */
  dataDir?: string;
  /** Token lifetimes in seconds (short values let tests exercise expiry). */
  ttl?: Partial<IdentityTtl>;
  /** How long a provider registration reads `Registering` (default 3000 ms; tests use 0). */
  registrationDelayMs?: number;
  /** Sees every ARM request and its answer (tests: tests/swagger/oracle.ts validates them against the swagger). */
  onArmExchange?: (ex: Exchange) => void;
  /** How long a Data Box long-running operation (job creation) stays InProgress (default 0 ms). */
  lroDelayMs?: number;
  /** Start Azurite (default true). Without it, container operations answer 503. */
  azurite?: boolean;
  /** Preferred ports; default: the ones used last time with this data dir, else ephemeral. */
  ports?: Partial<SandboxPorts>;
}

export interface SandboxPorts {
  identity: number;
  /** Plain-http copy of the sign-in pages for the user's browser (advertised as the authorization endpoint). */
  signin: number;
  arm: number;
  graph: number;
  admin: number;
  blob: number;
}

/** A sandbox user as tests and the CLI see it (the sandbox's own record, users.ts). */
export type SandboxUserInfo = SandboxUser;

export interface SandboxHandle {
  cloud: CloudDefinition;
  users: SandboxUserInfo[];
  tenantId: string;
  subscriptionId: string;
  clientId: string;
  /** https://localhost:PORT (identity server root); the authority is `${identityUrl}/${tenantId}`. */
  identityUrl: string;
  /** http://localhost:PORT: the same sign-in pages without TLS, where the browser is sent (no certificate warning). */
  signinUrl: string;
  authority: string;
  issuer: string;
  armUrl: string;
  graphUrl: string;
  /**
   * The blob endpoint (the data-plane front before Azurite, blob-front.ts); a storage account's is `${blobUrl}/<account>/`.
   * Also the sandbox's storage resource: Entra tokens for blob data are asked with the scope `${blobUrl}/.default`.
   */
  blobUrl: string;
  /** Datacenter simulation and faults (plain HTTP on 127.0.0.1, bearer `token`). */
  admin: { url: string; token: string };
  caCertPem: string;
  dataDir: string;
  faults: FaultInjector;
  stop(): Promise<void>;
}

const DEFAULT_TTL: IdentityTtl = {
  accessTokenSeconds: 3600,
  idTokenSeconds: 3600,
  refreshTokenSeconds: 14 * 24 * 3600,
};

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(server: Server, preferred: number): Promise<number> {
  const port = preferred ? await freePort(preferred) : 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startSandbox(opts: StartSandboxOptions = {}): Promise<SandboxHandle> {
  const tempDir = opts.dataDir ? undefined : await mkdtemp(join(tmpdir(), 'obc-sandbox-'));
  const dataDir = opts.dataDir ?? tempDir!;
  const tls = await loadOrCreateTls(dataDir);
  const store = await StateStore.open(dataDir);
  const st = store.state;
  const ttl = { ...DEFAULT_TTL, ...opts.ttl };

  const handlers: Record<keyof SandboxPorts, Handler> = {
    identity: (_q, r) => r.writeHead(503).end(),
    signin: (_q, r) => r.writeHead(503).end(),
    arm: (_q, r) => r.writeHead(503).end(),
    graph: (_q, r) => r.writeHead(503).end(),
    admin: (_q, r) => r.writeHead(503).end(),
    blob: (_q, r) => r.writeHead(503).end(),
  };
  const tlsOpts = { cert: tls.certPem, key: tls.keyPem };
  const servers: Server[] = [];
  const started: Partial<SandboxPorts> = {};
  let azurite: AzuriteHandle | undefined;
  let front: { close(): void } | undefined;
  const stopAll = async () => {
    await Promise.all(servers.map(closeServer));
    front?.close();
    await azurite?.stop();
  };
  try {
    for (const name of ['identity', 'arm', 'graph'] as const) {
      const s = createHttpsServer(tlsOpts, (q, r) => handlers[name](q, r)) as unknown as Server;
      servers.push(s);
      started[name] = await listen(s, opts.ports?.[name] ?? st.ports[name]);
    }
    for (const name of ['admin', 'signin'] as const) {
      const s = createHttpServer((q, r) => handlers[name](q, r));
      servers.push(s);
      started[name] = await listen(s, opts.ports?.[name] ?? st.ports[name] ?? 0);
    }

    if (opts.azurite !== false) {
      // Azurite on a port of its own; the blob port (the one clients know) is the data-plane front's.
      azurite = await startAzurite({
        location: join(dataDir, 'azurite'),
        accounts: Object.values(st.storageAccounts).map((a) => ({ name: a.name, key: a.keys[0] })),
        certPath: join(dataDir, 'tls', 'server.pem'),
        keyPath: join(dataDir, 'tls', 'server-key.pem'),
      });
      const s = createHttpsServer(tlsOpts, (q, r) => handlers.blob(q, r)) as unknown as Server;
      servers.push(s);
      started.blob = await listen(s, opts.ports?.blob ?? st.ports.blob);
    } else started.blob = 0;
    st.ports = started as SandboxPorts;
    await store.save();

    const identityUrl = `https://localhost:${started.identity}`;
    const armUrl = `https://127.0.0.1:${started.arm}`;
    const graphUrl = `https://127.0.0.1:${started.graph}`;
    const blobUrl = azurite ? `https://127.0.0.1:${started.blob}` : '';
    const identity = createIdentity({
      baseUrl: identityUrl,
      tenantId: st.tenantId,
      clientId: st.clientId,
      armEndpoint: armUrl,
      graphEndpoint: graphUrl,
      ...(blobUrl ? { storageEndpoint: blobUrl } : {}),
      signingJwk: st.signingJwk,
      cookieKeys: st.cookieKeys,
      ttl,
      browserBaseUrl: `http://localhost:${started.signin}`,
      apps: (appId) => {
        const app = Object.values(st.applications).find((a) => a.appId === appId);
        const sp = app && Object.values(st.servicePrincipals).find((x) => x.appId === appId);
        if (!app || !sp) return undefined;
        return {
          appId,
          principalId: sp.id,
          displayName: app.displayName,
          certificates: app.keyCredentials.map((k) => String(k.key ?? '')).filter(Boolean),
        };
      },
      consent: {
        has: (id) => (st.consentedUsers ?? []).includes(id),
        add: async (id) => {
          st.consentedUsers = [...new Set([...(st.consentedUsers ?? []), id])];
          await store.save();
        },
      },
    });
    handlers.identity = identity.handle;
    handlers.signin = identity.handle;
    const {
      d: _d,
      p: _p,
      q: _q,
      dp: _dp,
      dq: _dq,
      qi: _qi,
      ...publicJwk
    } = st.signingJwk as JWK & Record<string, unknown>;
    const bearer = createBearerValidator({
      jwks: { keys: [publicJwk as JWK] },
      issuer: identity.issuer,
      authority: identity.authority,
    });
    if (azurite) {
      const f = createBlobFront({
        upstream: azurite.baseUrl,
        caCertPem: tls.caCertPem,
        store,
        jwks: { keys: [publicJwk as JWK] },
        issuer: identity.issuer,
        authority: identity.authority,
        storageAudience: blobUrl,
      });
      front = f;
      handlers.blob = f.handle;
    }
    const faults = new FaultInjector();
    const blob = createBlobAccess({ baseUrl: blobUrl, caCertPem: tls.caCertPem, store });
    const sb: SandboxContext = {
      store,
      armUrl,
      graphUrl,
      blobUrl,
      registrationDelayMs: opts.registrationDelayMs ?? 3000,
      lroDelayMs: opts.lroDelayMs ?? 0,
      createBlobContainer: blob.createContainer,
      listBlobContainers: blob.listContainers,
    };
    const armRoutes: Route[] = [
      ...resourcesRoutes,
      ...storageRoutes,
      ...importExportRoutes,
      ...dataBoxRoutes,
      ...authorizationRoutes,
    ];
    const metadata = armMetadata({
      armUrl,
      graphUrl,
      loginEndpoint: identityUrl,
      tenantId: st.tenantId,
      blobSuffix: `127.0.0.1:${started.blob}`,
    });
    handlers.arm = createEmulator({
      routes: armRoutes,
      audience: armUrl,
      bearer,
      sb,
      faults,
      surface: 'arm',
      anonymous: metadata,
      ...(opts.onArmExchange ? { onExchange: opts.onArmExchange } : {}),
    }).handle;
    handlers.graph = createEmulator({
      routes: graphRoutes,
      audience: graphUrl,
      bearer,
      sb,
      faults,
      surface: 'graph',
    }).handle;
    handlers.admin = createAdmin({ token: st.adminToken, sb, faults, blob }).handle;

    const cloud: CloudDefinition = {
      name: 'LocalSandbox',
      displayName: 'Local sandbox',
      authorityHost: identityUrl,
      tenant: st.tenantId,
      armEndpoint: armUrl,
      graphEndpoint: graphUrl,
      armScope: `${armUrl}/user_impersonation`,
      graphScope: `${graphUrl}/.default`,
      clientId: st.clientId,
      knownAuthorities: [`localhost:${started.identity}`],
      protocolMode: 'AAD',
      caCertPem: tls.caCertPem,
      storageEndpointSuffix: `127.0.0.1:${started.blob}`,
      ...(blobUrl ? { storageScope: `${blobUrl}/.default`, blobEndpointTemplate: `${blobUrl}/{account}/` } : {}),
      rehearsal: true,
    };
    await writeJsonAtomic(join(dataDir, 'cloud.json'), cloud);
    let stopped = false;
    return {
      cloud,
      users: SEEDED_USERS.map((u) => ({ ...u })),
      tenantId: st.tenantId,
      subscriptionId: st.subscriptionId,
      clientId: st.clientId,
      identityUrl,
      signinUrl: `http://localhost:${started.signin}`,
      authority: identity.authority,
      issuer: identity.issuer,
      armUrl,
      graphUrl,
      blobUrl,
      admin: { url: `http://127.0.0.1:${started.admin}`, token: st.adminToken },
      caCertPem: tls.caCertPem,
      dataDir,
      faults,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopAll();
        await store.save();
        if (tempDir) await rm(tempDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopAll();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    throw err;
  }
}
