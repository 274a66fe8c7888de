import type { ServerResponse } from 'node:http';
import { ErrorCode, errorBody } from '../../libs/gateway-core/src/error-codes';

/**
 * Writes the contract's error shape on a raw response, where the exception filter does not reach (the
 * forwarding path, protocol refusals). A response whose headers are already out is destroyed instead.
 */
export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  description: string,
  requestId: string,
  extraHeaders: readonly string[] = [],
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(status, code, description, requestId));
  res.writeHead(status, [
    'content-type',
    'application/json; charset=utf-8',
    'content-length',
    String(Buffer.byteLength(body)),
    'x-request-id',
    requestId,
    ...extraHeaders,
  ]);
  res.end(body);
}
