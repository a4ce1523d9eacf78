import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

/** Small HTTP helpers shared by the sandbox servers (no framework). */

export async function readBody(req: IncomingMessage, limit = 4 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit)
      throw new HttpError(413, 'RequestEntityTooLarge', `The request body is larger than ${limit} bytes.`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const text = (await readBody(req, 64 * 1024)).toString('utf8');
  return Object.fromEntries(new URLSearchParams(text));
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const buf = await readBody(req);
  if (buf.length === 0) return undefined;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new HttpError(
      400,
      'InvalidRequestContent',
      `The request content was invalid and could not be deserialized: ${(err as Error).message}`,
    );
  }
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': String(Buffer.byteLength(text)),
    'x-ms-request-id': randomUUID(),
    'x-ms-correlation-request-id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

/** An Azure-shaped failure: answered as `{ error: { code, message } }` with the status. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  readonly target?: string;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}, target?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
    if (target) this.target = target;
  }
}

export function sendAzureError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) {
    sendJson(
      res,
      err.status,
      { error: { code: err.code, message: err.message, ...(err.target ? { target: err.target } : {}) } },
      err.headers,
    );
    return;
  }
  sendJson(res, 500, {
    error: { code: 'InternalServerError', message: `The sandbox failed: ${(err as Error)?.message ?? String(err)}` },
  });
}
