import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdOf, WithRequestId } from './request-id';

export function requestIdMiddleware(
  req: IncomingMessage & WithRequestId,
  res: ServerResponse,
  next: () => void,
): void {
  req.requestId = requestIdOf(req);
  res.setHeader('X-Request-Id', req.requestId);
  next();
}
