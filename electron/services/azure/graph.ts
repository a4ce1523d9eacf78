/**
 * The few Microsoft Graph v1.0 calls the Entra step needs, through this cloud's HttpClient (CA trust, retries).
 * No Graph SDK is installed; these are plain JSON calls with the Graph token from CloudAuth.
 */
import type { HttpMethods } from '@azure/core-rest-pipeline';
import { AppError } from '../../../shared/errors.ts';
import type { CloudHttp } from './http.ts';
import type { CloudAuth } from './signin.ts';

export interface GraphKeyCredential {
  keyId?: string;
  type?: string;
  usage?: string;
  key?: string | null;
  displayName?: string | null;
  customKeyIdentifier?: string | null;
  startDateTime?: string;
  endDateTime?: string;
}

export interface GraphApplication {
  id: string;
  appId: string;
  displayName: string;
  keyCredentials?: GraphKeyCredential[];
}

export interface GraphServicePrincipal {
  id: string;
  appId: string;
  displayName?: string;
}

export interface GraphMe {
  id: string;
  displayName?: string;
  userPrincipalName?: string;
}

export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'GraphError';
    this.status = status;
    this.code = code;
  }
}

export class GraphClient {
  private readonly auth: CloudAuth;
  private readonly http: CloudHttp;

  constructor(auth: CloudAuth, http: CloudHttp) {
    this.auth = auth;
    this.http = http;
  }

  private async call<T>(method: HttpMethods, path: string, body?: unknown): Promise<T> {
    const token = (await this.auth.getToken('graph')).token;
    const res = await this.http.json<T & { error?: { code?: string; message?: string } }>(
      method,
      `${this.http.cloud.graphEndpoint}/v1.0${path}`,
      {
        token,
        ...(body !== undefined ? { body } : {}),
      },
    );
    if (res.status === 401) {
      throw new AppError(
        'SIGNIN_REQUIRED',
        `Microsoft Graph refused the sign-in (${res.body?.error?.code ?? '401'}): ${res.body?.error?.message ?? ''} Sign in again.`,
      );
    }
    if (res.status >= 400) {
      const e = res.body?.error ?? {};
      throw new GraphError(res.status, e.code ?? `HTTP${res.status}`, e.message ?? `Graph answered ${res.status}`);
    }
    return res.body as T;
  }

  me(): Promise<GraphMe> {
    return this.call<GraphMe>('GET', '/me');
  }

  async findApplicationByName(displayName: string): Promise<GraphApplication | null> {
    const filter = encodeURIComponent(`displayName eq '${displayName.replace(/'/g, "''")}'`);
    const r = await this.call<{ value: GraphApplication[] }>('GET', `/applications?$filter=${filter}`);
    return r.value?.[0] ?? null;
  }

  /** Graph returns keyCredentials[].key only with $select on a single application. */
  async getKeyCredentials(appObjectId: string): Promise<GraphKeyCredential[]> {
    const r = await this.call<{ keyCredentials?: GraphKeyCredential[] }>(
      'GET',
      `/applications/${appObjectId}?$select=keyCredentials`,
    );
    return r.keyCredentials ?? [];
  }

  createApplication(displayName: string, keyCredential: GraphKeyCredential): Promise<GraphApplication> {
    return this.call<GraphApplication>('POST', '/applications', {
      displayName,
      signInAudience: 'AzureADMyOrg',
      description:
        'Created by the Offline Backup Console: lets unattended runs on the machines holding its certificates check import jobs and read the imported data.',
      keyCredentials: [keyCredential],
    });
  }

  async setKeyCredentials(appObjectId: string, keyCredentials: GraphKeyCredential[]): Promise<void> {
    await this.call<unknown>('PATCH', `/applications/${appObjectId}`, { keyCredentials });
  }

  async addKey(appObjectId: string, keyCredential: GraphKeyCredential, proof: string): Promise<GraphKeyCredential> {
    return this.call<GraphKeyCredential>('POST', `/applications/${appObjectId}/addKey`, {
      keyCredential,
      passwordCredential: null,
      proof,
    });
  }

  async findServicePrincipal(appId: string): Promise<GraphServicePrincipal | null> {
    const filter = encodeURIComponent(`appId eq '${appId}'`);
    const r = await this.call<{ value: GraphServicePrincipal[] }>('GET', `/servicePrincipals?$filter=${filter}`);
    return r.value?.[0] ?? null;
  }

  createServicePrincipal(appId: string): Promise<GraphServicePrincipal> {
    return this.call<GraphServicePrincipal>('POST', '/servicePrincipals', { appId });
  }
}
