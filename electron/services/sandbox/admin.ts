import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './arm.ts';
import type { FaultInjector } from './faults.ts';
import type { BlobAccess } from './blob-access.ts';
import { HttpError, readJson, sendAzureError, sendJson } from './http-util.ts';

export function createAdmin(opts: { token: string; sb: SandboxContext; faults: FaultInjector; blob: BlobAccess }) {
  async function run(req: IncomingMessage, res: ServerResponse) {
    if (req.headers.authorization !== `Bearer ${opts.token}`) throw new HttpError(401, 'Unauthorized', 'The sandbox admin API needs its own bearer token.');
    const url = new URL(req.url ?? '/', 'http://admin');
    if (url.pathname === '/health') return sendJson(res, 200, { ok: true });
    if (url.pathname === '/faults' && req.method === 'POST') {
      opts.faults.add((await readJson(req)) as never);
      return sendJson(res, 200, { faults: opts.faults.list() });
    }
    throw new HttpError(404, 'NotFound', `No admin endpoint ${req.method} ${url.pathname}.`);
  }
  return { handle: (req: IncomingMessage, res: ServerResponse) => void run(req, res).catch((e) => sendAzureError(res, e)) };
}
