import type { ServerResponse } from 'node:http';
import { ErrorCode, errorBody } from '../../libs/gateway-core/src/error-codes';

/**
 * Writes the contract's error shape on a raw response, where the exception filter does not reach (the
 * forwarding path, protocol refusals). A response whose headers are already out is destroyed instead.
 * Returns the body bytes written (0 when destroyed).
 */
export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  description: string,
  requestId: string,
  extraHeaders: readonly string[] = [],
): number {
  if (res.headersSent) {
    res.destroy();
    return 0;
  }
  const body = JSON.stringify(errorBody(status, code, description, requestId));
  const length = Buffer.byteLength(body);
  res.writeHead(status, [
    'content-type',
    'application/json; charset=utf-8',
    'content-length',
    String(length),
    'x-request-id',
    requestId,
    ...extraHeaders,
  ]);
  res.end(body);
  return length;
}
