import { randomUUID } from 'node:crypto';
import { type IncomingMessage, STATUS_CODES, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode, errorBody } from '../../libs/gateway-core/src/error-codes';
import { requestIdOf } from './request-id';
import { sendError } from './send-error';

interface ParserError extends Error {
  code?: string;
}

const LINGER_MS = 2000;

/** Node's own handle on the response being written to a socket (the first of any pipelined ones). */
type HttpSocket = Socket & { _httpMessage?: ServerResponse | null };

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeListener = (req: IncomingMessage, socket: Socket, head: Buffer) => void;

interface Refusal {
  status: number;
  code: ErrorCode;
  description: string;
}

/**
 * Everything Node would refuse with a bare status line, and what it would let through but should not, is
 * answered in the contract's error shape: parser errors, an HTTP/1.1 request without Host, a request with
 * several Host lines or an invalid one (RFC 9112 §3.2), a transfer coding other than chunked (§6.1: 501), an
 * Expect other than 100-continue (417), CONNECT, and a request target that is neither a path nor an
 * http(s) URL.
 * Wraps the server's request and upgrade listeners, so it is called once the routes are in place.
 */
export function answerProtocolErrors(server: Server): void {
  answerClientErrors(server);
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
  // Node drops header lines past maxHeadersCount unseen, a second Host line among them; the 16 KB limit
  // on the header block still holds.
  server.maxHeadersCount = 0;
  const [next] = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const refusal = refusalOf(req);
    if (refusal === undefined) next(req, res);
    else refuseRequest(req, res, refusal);
  });
  const [nextUpgrade] = server.listeners('upgrade') as UpgradeListener[];
  if (nextUpgrade) {
    server.removeAllListeners('upgrade');
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const refusal = refusalOf(req);
      if (refusal === undefined) {
        nextUpgrade(req, socket, head);
        return;
      }
      socket.on('error', () => socket.destroy());
      refuse(socket, refusal, requestIdOf(req));
    });
  }
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) =>
    refuseRequest(req, res, {
      status: 417,
      code: ErrorCode.BadPayload,
      description: 'Only "Expect: 100-continue" is supported',
    }),
  );
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => socket.destroy());
    refuse(socket, {
      status: 404,
      code: ErrorCode.NotFoundOrExists,
      description: `No route for CONNECT ${req.url}`.slice(0, 200),
    });
  });
}

const BAD_TARGET: Refusal = {
  status: 400,
  code: ErrorCode.BadPayload,
  description: 'The request target must be a path or an http(s) URL',
};

/**
 * A request target in absolute form (`GET http://host/path`, which RFC 9112 §3.2.2 requires a server to
 * accept) becomes the path it names, and its authority replaces the Host header. False when the target
 * is neither a path, `*`, nor an http(s) URL.
 */
function toOriginForm(req: IncomingMessage): boolean {
  const target = req.url as string;
  if (target[0] === '/' || target === '*') return true;
  const scheme = /^https?:\/\//i.exec(target);
  if (!scheme) return false;
  const authorityStart = scheme[0].length;
  let pathStart = authorityStart;
  while (pathStart < target.length && target[pathStart] !== '/' && target[pathStart] !== '?')
    pathStart++;
  const authority = target.slice(authorityStart, pathStart);
  if (authority === '') return false;
  const rest = target.slice(pathStart);
  req.url = rest === '' ? '/' : rest[0] === '?' ? `/${rest}` : rest;
  req.headers.host = authority;
  return true;
}

/**
 * RFC 9110 §7.2: uri-host [ ":" port ], where uri-host is an IP literal (IPv6 or IPvFuture), an IPv4 address
 * or a reg-name.
 */
const HOST_VALUE =
  /^(?:\[(?:[0-9A-Fa-f:.]+|v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;

const BAD_HOST: Refusal = {
  status: 400,
  code: ErrorCode.BadPayload,
  description: 'The Host header must be given once, as host[:port]',
};

function refusalOf(req: IncomingMessage): Refusal | undefined {
  const hostLineCount = hostLines(req.rawHeaders);
  if (hostLineCount === 0 && req.httpVersionMinor === 1 && req.httpVersionMajor === 1) {
    return { status: 400, code: ErrorCode.BadPayload, description: 'Missing Host header' };
  }
  if (hostLineCount > 1) return BAD_HOST;
  if (!toOriginForm(req)) return BAD_TARGET;
  const host = req.headers.host;
  if (host !== undefined && !HOST_VALUE.test(host)) return BAD_HOST;
  const codings = req.headers['transfer-encoding'];
  if (codings !== undefined && codings.trim().toLowerCase() !== 'chunked') {
    return {
      status: 501,
      code: ErrorCode.BadPayload,
      description: 'Transfer-Encoding other than chunked is not supported',
    };
  }
  return undefined;
}

/** Node keeps the first of several Host lines; RFC 9112 §3.2 requires such a request to be refused. */
function hostLines(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === 4 && name.toLowerCase() === 'host') count++;
  }
  return count;
}

function refuseRequest(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  req.resume();
  res.shouldKeepAlive = false;
  sendError(res, refusal.status, refusal.code, refusal.description, requestIdOf(req));
}

/**
 * Requests that Node's HTTP parser refuses before any handler sees them (a malformed request line or
 * header, headers over the size limit, a request that was too slow to arrive) get the contract's error
 * shape and a request id, instead of Node's bare status line; then the connection closes, since the parser
 * cannot go on with it. Requests read before the bad one on the same connection are answered first, in
 * order (RFC 9112 §9.3); bytes after a request that asked to close the connection are ignored (§9.6).
 */
function answerClientErrors(server: Server): void {
  const refusing = new WeakSet<Socket>();
  server.on('clientError', (error: ParserError, socket: HttpSocket) => {
    if (refusing.has(socket)) return;
    refusing.add(socket);
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.pause();
    const inFlight = socket._httpMessage;
    if (error.code === 'HPE_CLOSED_CONNECTION') {
      if (!inFlight) socket.destroy();
      return;
    }
    if (inFlight && !inFlight.req.complete) {
      // The bad bytes are in that request's own body: it is the one refused.
      if (inFlight.headersSent) socket.destroy();
      else refuse(socket, describe(error));
      return;
    }
    afterResponses(socket, () => refuse(socket, describe(error)));
  });
}

function afterResponses(socket: HttpSocket, then: () => void): void {
  const current = socket._httpMessage;
  if (!current) {
    then();
    return;
  }
  current.once('close', () => setImmediate(() => afterResponses(socket, then)));
}

/**
 * Writes the error and closes. The socket is read (and what comes dropped) for up to LINGER_MS more, so
 * the client's end of the connection closes it, rather than a reset that could discard the answer.
 */
function refuse(
  socket: Socket,
  { status, code, description }: Refusal,
  requestId: string = randomUUID(),
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
  socket.resume();
  const body = JSON.stringify(errorBody(status, code, description, requestId));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

function describe(error: ParserError): Refusal {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: ErrorCode.BodyTooLarge,
        description: 'The request headers are too large',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        code: ErrorCode.BodyTooLarge,
        description: 'The chunk extensions are too large',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: ErrorCode.BadPayload,
        description: 'The request did not arrive in time',
      };
    default:
      return {
        status: 400,
        code: ErrorCode.BadPayload,
        description: 'Malformed HTTP request',
      };
  }
}
