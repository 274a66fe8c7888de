/** nginx's status for a request the client gave up on before it got the answer's status line. */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * Why an answer did not reach the client whole: the node failed or ran out of time after its status went
 * out, the client closed the connection first, or a shutdown closed it.
 */
export const INTERRUPTIONS = ['node_failed', 'node_timeout', 'client_closed', 'shutdown'] as const;
export type Interruption = (typeof INTERRUPTIONS)[number];

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
  /** Null when the answer ended normally. */
  interrupted: Interruption | null;
}
