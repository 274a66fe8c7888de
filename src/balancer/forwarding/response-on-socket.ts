import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * A response for a request that arrived as an HTTP upgrade, written to its socket, which it closes once the
 * answer is sent. Node hands such sockets over without the server's listeners: without an error listener a
 * reset would crash the process, and without the drain one a response that filled the socket's buffer
 * would wait forever for 'drain'.
 */
export function responseOnSocket(req: IncomingMessage, socket: Duplex): ServerResponse {
  socket.on('error', ignore);
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  const drained = () => res.emit('drain');
  socket.on('drain', drained);
  res.on('finish', () => {
    socket.off('drain', drained);
    socket.end();
  });
  return res;
}

function ignore(): void {}
