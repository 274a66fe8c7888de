/** nginx's status for a request the client gave up on before it got the answer's status line. */
export const CLIENT_CLOSED_REQUEST = 499;

/** A finished balanced request, as the proxy hands it to RequestLogWriter. */
export interface RequestLogEntry {
  date: Date;
  appId: string;
  method: string;
  path: string;
  endPoint: string | null;
  responseCode: number;
  totalTimeMs: number;
  upstreamTimeMs: number | null;
  requestId: string;
  clientIp: string;
  nodesTried: string[];
  bytesIn: number;
  bytesOut: number;
}
