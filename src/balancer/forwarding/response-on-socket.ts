import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * A response for a request that arrived as an HTTP upgrade, written to its socket, which it closes once the
 * answer is sent. Node hands such sockets over without an error listener: a reset must not crash the process.
 */
export function responseOnSocket(req: IncomingMessage, socket: Duplex): ServerResponse {
  socket.on('error', ignore);
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.on('finish', () => socket.end());
  return res;
}

function ignore(): void {}
