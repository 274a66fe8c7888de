import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { BALANCE_PREFIX, ForwardingHandler } from './forwarding-handler';
import { responseOnSocket } from './response-on-socket';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Balance routes go straight to the forwarding handler, past the framework. Upgrade requests on other routes
 * are answered by the framework as plain requests, as they were before the server listened for upgrades.
 */
export function routeBalancedRequests(server: Server, forwarding: ForwardingHandler): void {
  const [framework] = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (isBalancePath(req.url as string)) forwarding.handle(req, res);
    else framework(req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (isBalancePath(req.url as string)) forwarding.handleUpgrade(req, socket, head);
    else framework(req, responseOnSocket(req, socket));
  });
}

function isBalancePath(url: string): boolean {
  if (!url.startsWith(BALANCE_PREFIX)) return false;
  const next = url[BALANCE_PREFIX.length];
  return next === undefined || next === '/' || next === '?';
}
