/**
 * One HTTP client per cloud. It trusts the cloud's own CA (the sandbox's) for that cloud's requests only, through a
 * dedicated https.Agent — never NODE_EXTRA_CA_CERTS, never NODE_TLS_REJECT_UNAUTHORIZED, never a global agent.
 * It retries 429 and 5xx (and connection resets) with bounded exponential backoff, honouring Retry-After.
 * The same client serves the Azure SDKs (`httpClient` option), MSAL (`system.networkClient`) and Graph calls,
 * so retry and trust behave the same everywhere. The SDK clients' own retry policy is switched off
 * (`retryOptions.maxRetries = 0`) so requests are not retried twice.
 */
import { Agent } from 'node:https';
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type HttpMethods,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { CloudDefinition } from '../../../shared/clouds.ts';
import { AppError } from '../../../shared/errors.ts';
import { sleep } from '../sleep.ts';

export interface RetryOptions {
  /** Retries after the first attempt (default 4). */
  maxRetries: number;
  /** First backoff delay (default 500 ms), doubled each time, ±20 % jitter. */
  baseDelayMs: number;
  /** Cap on one computed backoff delay (default 20 s). */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the response is returned as is (default 60 s). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

export interface RetryEvent {
  attempt: number;
  status?: number;
  delayMs: number;
  url: string;
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRY_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** Parses Retry-After (seconds or HTTP date) and the ms variants ARM and storage send. */
export function retryAfterMs(headers: { get(name: string): string | undefined }, now = Date.now()): number | undefined {
  for (const h of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = headers.get(h);
    if (v && /^\d+$/.test(v.trim())) return Number(v.trim());
  }
  const ra = headers.get('retry-after');
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.round(Number(ra.trim()) * 1000);
  const t = Date.parse(ra);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export function backoffMs(attempt: number, o: RetryOptions, random = Math.random): number {
  const exp = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp * (0.8 + 0.4 * random()));
}

function replayable(req: PipelineRequest): boolean {
  const b = req.body;
  return (
    b === undefined ||
    b === null ||
    typeof b === 'string' ||
    b instanceof Uint8Array ||
    b instanceof ArrayBuffer ||
    ArrayBuffer.isView(b)
  );
}

export interface CloudHttpOptions {
  retry?: Partial<RetryOptions>;
  onRetry?: (e: RetryEvent) => void;
}

export class CloudHttp implements HttpClient {
  readonly cloud: CloudDefinition;
  readonly retry: RetryOptions;
  private readonly inner = createDefaultHttpClient();
  private readonly agent: Agent | undefined;
  private readonly onRetry: ((e: RetryEvent) => void) | undefined;

  constructor(cloud: CloudDefinition, opts: CloudHttpOptions = {}) {
    this.cloud = cloud;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.onRetry = opts.onRetry;
    // Only this cloud's requests use this agent; its `ca` replaces the default roots for them (the sandbox CA only).
    this.agent = cloud.caCertPem ? new Agent({ ca: cloud.caCertPem, keepAlive: true }) : undefined;
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    if (this.agent && request.url.startsWith('https:') && !request.agent) request.agent = this.agent;
    const canRetry = replayable(request);
    for (let attempt = 1; ; attempt++) {
      let res: PipelineResponse | undefined;
      let err: unknown;
      try {
        res = await this.inner.sendRequest(request);
      } catch (e) {
        err = e;
      }
      const last = !canRetry || attempt > this.retry.maxRetries || request.abortSignal?.aborted;
      if (res && !RETRY_STATUS.has(res.status)) return res;
      if (err) {
        const code = (err as { code?: string }).code ?? '';
        if (last || !RETRY_ERRORS.has(code)) throw err;
      }
      if (res && last) return res;
      let delay = backoffMs(attempt, this.retry);
      if (res) {
        const ra = retryAfterMs(res.headers);
        if (ra !== undefined) {
          if (ra > this.retry.maxRetryAfterMs) return res;
          delay = ra;
        }
        // Free the socket of the response we are discarding.
        res.readableStreamBody?.resume();
      }
      this.onRetry?.({ attempt, ...(res ? { status: res.status } : {}), delayMs: delay, url: redactUrl(request.url) });
      await sleep(delay, request.abortSignal as AbortSignal | undefined);
    }
  }

  /** MSAL's network module over the same client (same CA, same retries). */
  msalNetworkModule(): INetworkModule {
    const send = async <T>(
      method: HttpMethods,
      url: string,
      options?: NetworkRequestOptions,
      timeout?: number,
    ): Promise<NetworkResponse<T>> => {
      const req = createPipelineRequest({
        url,
        method,
        headers: createHttpHeaders(options?.headers ?? {}),
        ...(timeout ? { timeout } : {}),
      });
      if (method === 'POST') req.body = options?.body ?? '';
      const res = await this.sendRequest(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of res.headers) headers[k.toLowerCase()] = v;
      let body: unknown;
      try {
        body = res.bodyAsText ? JSON.parse(res.bodyAsText) : {};
      } catch {
        throw new AppError(
          'NETWORK',
          `The sign-in server ${new URL(url).host} answered ${res.status} with a body that is not JSON.`,
        );
      }
      return { headers, body: body as T, status: res.status };
    };
    return {
      sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
      sendPostRequestAsync: (url, options) => send('POST', url, options),
    };
  }

  /** JSON request with a bearer token (Graph, and ARM calls no installed SDK covers). */
  async json<T>(
    method: HttpMethods,
    url: string,
    opts: { token: string; body?: unknown; signal?: AbortSignal; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T; headers: Record<string, string> }> {
    const req = createPipelineRequest({
      url,
      method,
      headers: createHttpHeaders({
        authorization: `Bearer ${opts.token}`,
        accept: 'application/json',
        ...(opts.headers ?? {}),
      }),
      ...(opts.signal ? { abortSignal: opts.signal } : {}),
    });
    if (opts.body !== undefined) {
      req.body = JSON.stringify(opts.body);
      req.headers.set('content-type', 'application/json');
    }
    const res = await this.sendRequest(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of res.headers) headers[k.toLowerCase()] = v;
    let body: unknown = undefined;
    if (res.bodyAsText) {
      try {
        body = JSON.parse(res.bodyAsText);
      } catch {
        body = { raw: res.bodyAsText.slice(0, 500) };
      }
    }
    return { status: res.status, body: body as T, headers };
  }

  /** Options every SDK client of this cloud gets. */
  sdkOptions() {
    return { httpClient: this as HttpClient, retryOptions: { maxRetries: 0 }, endpoint: this.cloud.armEndpoint };
  }

  dispose(): void {
    this.agent?.destroy();
  }
}

/** Drops query strings (SAS tokens, codes) from URLs that reach logs or events. */
export function redactUrl(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}
