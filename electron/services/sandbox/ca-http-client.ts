import { Agent } from 'node:https';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';

/**
 * An Azure SDK HttpClient that trusts one extra CA (the sandbox's) for its own requests only: it sets
 * `request.agent` to an https.Agent with `ca` = the given PEM (replacing the public roots, fine for a cloud whose every endpoint is the sandbox), which core-rest-pipeline's
 * Node client honours. Pass it as `httpClient` to ARM SDK clients and to @azure/storage-blob pipelines.
 * Nothing process-wide changes (no NODE_EXTRA_CA_CERTS, no rejectUnauthorized=false).
 */
export function createCaTrustingHttpClient(caCertPem: string): HttpClient {
  const inner = createDefaultHttpClient();
  const agent = new Agent({ ca: caCertPem, keepAlive: true });
  return {
    sendRequest(request) {
      if (request.url.startsWith('https:')) request.agent = agent;
      return inner.sendRequest(request);
    },
  };
}
