import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { SandboxContext } from './arm.ts';
import type { FaultInjector, FaultSpec } from './faults.ts';
import type { BlobAccess } from './blob-access.ts';
import { HttpError, readJson, sendAzureError, sendJson } from './http-util.ts';
import { forceJobState, receiveDisks, transferJob } from './datacenter.ts';
import { jobBody } from './rp-importexport.ts';
import { dbJobBody, dbJobs } from './rp-databox.ts';

/**
 * The sandbox admin API (plain HTTP on 127.0.0.1, `Authorization: Bearer <admin token>`; not part of the Azure
 * surface):
 *   GET  /health
 *   GET  /jobs                                   every job as ARM would return it (Import/Export, then Data Box)
 *   (the three job calls below take an optional `provider: 'ImportExport' | 'DataBox'`, needed only when both
 *   providers have a job of that name in the group; Data Box jobs show the same steps as stages)
 *   POST /jobs/{rg}/{job}/receive   { disks: [{ path, driveId? }] }   Shipping → Received (others NeverReceived)
 *   POST /jobs/{rg}/{job}/transfer  { stopAt?: 'Transferring' }      Received → Transferring → Completed | Closed
 *   POST /jobs/{rg}/{job}/state     { state }                        force a state (tests)
 *   GET|POST|DELETE /faults          FaultSpec (faults.ts): throttle (429 + Retry-After), error500, error503, slow
 *   POST /providers/{namespace}     { state: 'NotRegistered' | 'Registering' | 'Registered' }   set a registration
 */
export function createAdmin(opts: { token: string; sb: SandboxContext; faults: FaultInjector; blob: BlobAccess }) {
  const expected = Buffer.from(`Bearer ${opts.token}`);
  async function run(req: IncomingMessage, res: ServerResponse) {
    const got = Buffer.from(req.headers.authorization ?? '');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      throw new HttpError(
        401,
        'Unauthorized',
        'The sandbox admin API needs its own bearer token (printed by `obc sandbox`, or SandboxHandle.admin.token).',
      );
    }
    const url = new URL(req.url ?? '/', 'http://admin');
    const path = decodeURIComponent(url.pathname).replace(/\/+$/, '');
    const m = req.method ?? 'GET';
    if (path === '/health' && m === 'GET') return sendJson(res, 200, { ok: true });
    if (path === '/jobs' && m === 'GET')
      return sendJson(res, 200, {
        value: [
          ...Object.values(opts.sb.store.state.jobs).map((j) => jobBody(opts.sb, j)),
          ...Object.values(dbJobs(opts.sb)).map((j) => dbJobBody(opts.sb, j)),
        ],
      });
    if (path === '/faults') {
      if (m === 'POST') opts.faults.add((await readJson(req)) as FaultSpec);
      else if (m === 'DELETE') opts.faults.clear();
      return sendJson(res, 200, { faults: opts.faults.list() });
    }
    const pm = /^\/providers\/([^/]+)$/.exec(path);
    if (pm && m === 'POST') {
      const state = String(((await readJson(req)) as { state?: string } | undefined)?.state ?? '');
      if (!['NotRegistered', 'Registering', 'Registered'].includes(state))
        throw new HttpError(
          400,
          'InvalidRequestContent',
          "state must be 'NotRegistered', 'Registering' or 'Registered'.",
        );
      opts.sb.store.state.providers[pm[1].toLowerCase()] = {
        state: state as 'Registered',
        changedAt: new Date().toISOString(),
      };
      await opts.sb.store.save();
      return sendJson(res, 200, { namespace: pm[1], registrationState: state });
    }
    const jm = /^\/jobs\/([^/]+)\/([^/]+)\/(receive|transfer|state)$/.exec(path);
    if (jm && m === 'POST') {
      const [, rg, job, action] = jm;
      const body = ((await readJson(req)) ?? {}) as {
        disks?: Array<{ path: string; driveId?: string }>;
        stopAt?: 'Transferring';
        state?: string;
        provider?: string;
      };
      if (body.provider !== undefined && body.provider !== 'ImportExport' && body.provider !== 'DataBox')
        throw new HttpError(400, 'InvalidRequestContent', "provider must be 'ImportExport' or 'DataBox'.");
      const provider = body.provider as 'ImportExport' | 'DataBox' | undefined;
      if (action === 'receive') {
        if (!Array.isArray(body.disks))
          throw new HttpError(400, 'InvalidRequestContent', 'receive needs { disks: [{ path, driveId? }] }.');
        return sendJson(res, 200, await receiveDisks(opts.sb, rg, job, body.disks, provider));
      }
      if (action === 'transfer')
        return sendJson(
          res,
          200,
          await transferJob(opts.sb, opts.blob, rg, job, {
            ...(body.stopAt ? { stopAt: body.stopAt } : {}),
            ...(provider ? { provider } : {}),
          }),
        );
      return sendJson(res, 200, await forceJobState(opts.sb, rg, job, String(body.state ?? ''), provider));
    }
    throw new HttpError(404, 'NotFound', `No admin endpoint ${m} ${path}.`);
  }
  return {
    handle: (req: IncomingMessage, res: ServerResponse) => void run(req, res).catch((e) => sendAzureError(res, e)),
  };
}
