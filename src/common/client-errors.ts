import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode, errorBody } from '../../libs/gateway-core/src/error-codes';

interface ParserError extends Error {
  code?: string;
}

/**
 * Requests that Node's HTTP parser refuses before any handler sees them (a malformed request line or
 * header, headers over the size limit, a request that was too slow to arrive) get the contract's error
 * shape and a request id, instead of Node's bare status line. The connection closes after the answer: the
 * parser cannot go on with it.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: ParserError, socket: Socket) => {
    // Node's own handler skips sockets whose response has started; so does this one.
    const inProgress = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) {
      socket.destroy();
      return;
    }
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
  });
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
