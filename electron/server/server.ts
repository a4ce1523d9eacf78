import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../../shared/ws-protocol.ts';
import { TOKEN_CHECK_PATH, WS_MAX_MESSAGE_BYTES, WS_PATH } from '../../shared/ws-protocol.ts';
import type { Services } from '../services/index.ts';
import { toIpcError } from '../../shared/errors.ts';
import { dispatch } from '../handlers/dispatch.ts';
import { handlers } from '../handlers/table.ts';
import type { HandlerTable } from '../handlers/types.ts';
import { serveStatic } from './static.ts';
import { HOST, handleTokenCheck, originAllowed, tokenMatches } from './access.ts';

export interface BrowserHostOptions {
  services: Services;
  /** Built renderer folder. */
  staticRoot: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); random 32 bytes otherwise. */
  token?: string;
  table?: HandlerTable;
}

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  /** The line `npm start` / `npm run serve` print. */
  consoleUrl: string;
  close(): Promise<void>;
}

function send(ws: WebSocket, msg: ServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

function parseClientMessage(data: string): ClientMessage | string {
  let msg: unknown;
  try {
    msg = JSON.parse(data);
  } catch {
    return 'Message is not valid JSON.';
  }
  if (!msg || typeof msg !== 'object') return 'Message must be an object.';
  const m = msg as Record<string, unknown>;
  if (m.t !== 'invoke') return 'Unknown message type.';
  if (typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) return 'Message id must be an integer.';
  if (typeof m.channel !== 'string') return 'Message channel must be a string.';
  return { t: 'invoke', id: m.id, channel: m.channel, payload: m.payload };
}

/**
 * Browser mode: serves the renderer and carries the contract over one WebSocket on 127.0.0.1, with a random
 * per-run token on every connection and an Origin check. Same handler table and validation as Electron.
 * A wrong token is refused at the handshake (HTTP 401), which a page cannot tell from a stopped host; POST
 * /token-check (access.ts) answers only whether a token is this host's, so the page can say its address is stale.
 */
export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const expected = Buffer.from(token);
  const table = opts.table ?? handlers;
  const sockets = new Set<WebSocket>();
  let port = 0;

  const http: Server = createServer((req, res) => {
    // Exactly /token-check (no query, no other spelling): tells the page whether its token is this host's.
    if (req.url === TOKEN_CHECK_PATH) return handleTokenCheck(req, res, expected, port);
    serveStatic(opts.staticRoot, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_MESSAGE_BYTES });

  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    // The raw request target must be exactly /ws[?query]: no absolute form, no dot segments, no encodings.
    const rawPath = (req.url ?? '').split('?')[0];
    if (rawPath !== WS_PATH || url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (!tokenMatches(expected, url.searchParams.get('token'))) return refuse(401, 'Unauthorized');
    if (!originAllowed(req, port)) return refuse(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', () => sockets.delete(ws));
    ws.on('message', (raw, isBinary) => {
      if (isBinary) {
        send(ws, { t: 'protocolError', message: 'Binary messages are not accepted.' });
        return;
      }
      const msg = parseClientMessage(raw.toString());
      if (typeof msg === 'string') {
        send(ws, { t: 'protocolError', message: msg });
        return;
      }
      // dispatch answers every failure as a result; a reply that cannot be sent (say, not serialisable) is answered
      // as an INTERNAL error, so the page's call never waits for ever and the fault is not lost.
      dispatch(table, msg.channel, msg.payload, { services: opts.services, host: 'browser' })
        .then((result) => send(ws, { t: 'result', id: msg.id, result }))
        .catch((err: unknown) => send(ws, { t: 'result', id: msg.id, result: { ok: false, error: toIpcError(err) } }));
    });
  });

  // Forward every service event to every connected page.
  const untap = opts.services.events.tap((event, payload) => {
    const text = JSON.stringify({ t: 'event', event, payload } satisfies ServerMessage);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, HOST, () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  const url = `http://${HOST}:${port}/`;
  return {
    url,
    port,
    token,
    consoleUrl: `${url}#token=${token}`,
    async close() {
      untap();
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
