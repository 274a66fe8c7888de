import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { BALANCE_PREFIX, ForwardingHandler } from './forwarding-handler';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export function routeBalancedRequests(server: Server, forwarding: ForwardingHandler): void {
  const [framework] = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (isBalancePath(req.url as string)) forwarding.handle(req, res);
    else framework(req, res);
  });
}

function isBalancePath(url: string): boolean {
  if (!url.startsWith(BALANCE_PREFIX)) return false;
  const next = url[BALANCE_PREFIX.length];
  return next === undefined || next === '/' || next === '?';
}
