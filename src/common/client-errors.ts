import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode, errorBody } from '../../libs/gateway-core/src/error-codes';

interface ParserError extends Error {
  code?: string;
}

const LINGER_MS = 2000;

/** Node's own handle on the response being written to a socket (the first of any pipelined ones). */
type HttpSocket = Socket & { _httpMessage?: ServerResponse | null };

/**
 * Requests that Node's HTTP parser refuses before any handler sees them (a malformed request line or
 * header, headers over the size limit, a request that was too slow to arrive) get the contract's error
 * shape and a request id, instead of Node's bare status line; then the connection closes, since the parser
 * cannot go on with it. Requests read before the bad one on the same connection are answered first, in
 * order (RFC 9112 §9.3); bytes after a request that asked to close the connection are ignored (§9.6).
 */
export function answerClientErrors(server: Server): void {
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
      else refuse(socket, error);
      return;
    }
    afterResponses(socket, () => refuse(socket, error));
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
function refuse(socket: Socket, error: ParserError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
  socket.resume();
  const { status, code, description } = describe(error);
  const requestId = randomUUID();
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

function describe(error: ParserError): { status: number; code: ErrorCode; description: string } {
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
