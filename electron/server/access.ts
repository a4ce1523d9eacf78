/**
 * Who may talk to the browser-mode host: the per-run token (compared in constant time) and the console's own Origin.
 * Used by the WebSocket upgrade and by POST /token-check, which tells a page only whether its token is the
 * running host's, so the page can say "this address is out of date" instead of "host unreachable".
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TOKEN_CHECK_MAX_BYTES } from '../../shared/ws-protocol.ts';
import { SECURITY_HEADERS } from './static.ts';

/** Loopback only: the host refuses to bind anywhere else. */
export const HOST = '127.0.0.1';

const digest = (s: string | Buffer) => createHash('sha256').update(s).digest();

/** Constant time whatever the length of `given` (both sides are hashed first). */
export function tokenMatches(expected: Buffer, given: string | null): boolean {
  if (!given) return false;
  return timingSafeEqual(digest(expected), digest(given));
}

export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  return origin === `http://${HOST}:${port}` || origin === `http://localhost:${port}`;
}

const reply = (res: ServerResponse, status: number, body?: object, extra: Record<string, string> = {}) => {
  const text = body ? JSON.stringify(body) : '';
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...SECURITY_HEADERS,
    ...extra,
  });
  res.end(text);
};

/**
 * POST /token-check, body = the token (text/plain, at most TOKEN_CHECK_MAX_BYTES). 200 {"valid":boolean} for the
 * console's own Origin; 403 for any other or none (a foreign page learns nothing), 405 for other methods, 413 for
 * an oversized body. No other information (no host name, no token length, no timing difference).
 */
export function handleTokenCheck(req: IncomingMessage, res: ServerResponse, expected: Buffer, port: number): void {
  if (req.method !== 'POST') return reply(res, 405, undefined, { Allow: 'POST' });
  if (!originAllowed(req, port)) {
    reply(res, 403);
    req.resume();
    return;
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  // Too big: answer, then drop the connection once the answer is out (the rest of the body is never read).
  const tooLarge = () => {
    res.once('finish', () => req.destroy());
    reply(res, 413, undefined, { Connection: 'close' });
  };
  if (declared > TOKEN_CHECK_MAX_BYTES) return tooLarge();
  const parts: Buffer[] = [];
  let size = 0;
  let done = false;
  req.on('data', (chunk: Buffer) => {
    if (done) return;
    size += chunk.length;
    if (size > TOKEN_CHECK_MAX_BYTES) {
      done = true;
      return tooLarge();
    }
    parts.push(chunk);
  });
  req.on('end', () => {
    if (done) return;
    done = true;
    reply(res, 200, { valid: tokenMatches(expected, Buffer.concat(parts).toString('utf8')) });
  });
  req.on('error', () => {
    done = true;
  });
}
