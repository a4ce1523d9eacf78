import { request as httpsRequest, Agent } from 'node:https';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * An MSAL `system.networkClient` that trusts one CA (the sandbox's) for MSAL's own calls only (discovery,
 * token endpoint). MSAL refuses http authorities, so the sandbox identity server is https with its own CA.
 */
export function createCaTrustingNetworkClient(caCertPem: string): INetworkModule {
  const agent = new Agent({ ca: caCertPem, keepAlive: true });
  function send<T>(
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    return new Promise((resolve, reject) => {
      const body = options?.body;
      const req = httpsRequest(
        url,
        {
          method,
          agent,
          headers: {
            ...(options?.headers ?? {}),
            ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
          },
          ...(timeout ? { timeout } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch {
              /* not JSON: MSAL reports it */
            }
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers))
              if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
            resolve({ headers, body: parsed as T, status: res.statusCode ?? 0 });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`Request to ${url} timed out after ${timeout} ms`)));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
