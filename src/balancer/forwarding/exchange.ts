import {
  type IncomingMessage,
  type ServerResponse,
  validateHeaderName,
  validateHeaderValue,
} from 'node:http';
import type { Socket } from 'node:net';
import { type Duplex, finished } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ErrorCode } from '../../../libs/gateway-core/src/error-codes';
import {
  downstreamResponseHeaders,
  downstreamTrailerFields,
  RawHeaderField,
  switchingProtocolsHead,
} from '../../../libs/gateway-core/src/hop-by-hop';
import { CLIENT_CLOSED_REQUEST, Interruption } from '../../request-logs/request-log-entry';
import type { RequestLogWriter } from '../../request-logs/request-log-writer';
import { describeFailure } from '../health/health-checker';
import type { LiveApp } from '../registry/live-app';
import type { HealthThresholds, LiveNode } from '../registry/live-node';
import { sendError } from '../../common/send-error';
import { BodyTooLargeError, StreamedRequestBody } from './request-body';

export interface ExchangeDeps {
  thresholds: HealthThresholds;
  logs: RequestLogWriter;
  /** How to close each open tunnel, for shutdown. */
  tunnels: Set<(interrupted: Interruption) => void>;
  /** Set when a shutdown closes the connections still open: the requests they carry were cut by it. */
  cutByShutdown: boolean;
}

type Body = Buffer | StreamedRequestBody | null;

/** What an upgrade request (a WebSocket handshake) asks for, and the bytes that came after its headers. */
export interface UpgradeRequest {
  protocol: string;
  head: Buffer;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const EXCHANGE = Symbol('exchange');

type ExchangeResponse = ServerResponse & { [EXCHANGE]: Exchange };

function expire(exchange: Exchange): void {
  exchange.expire();
}

function onResponseClose(this: ServerResponse): void {
  (this as ExchangeResponse)[EXCHANGE].clientClosed();
}

export class Exchange {
  private readonly startedAt = performance.now();
  private body: Body = null;
  private nodesTried: string[] = [];
  private attempt: Attempt | null = null;
  private upstreamStartedAt = 0;
  private upstreamTimeMs: number | null = null;
  private status = 0;
  private endPoint: string | null = null;
  private bytesOut = 0;
  /** Set for a tunnel: what the client sent through it. Otherwise the request body's size. */
  private tunnelBytesIn: number | null = null;
  private done = false;
  private deadline: NodeJS.Timeout | undefined;
  /** The node has answered: status and headers are known (they reach the client with the first body byte). */
  private answered = false;
  /** The answer's headers, held back until the first body byte or the end, so a failure before can still be a 502. */
  private head: string[] | null = null;

  constructor(
    private readonly deps: ExchangeDeps,
    readonly app: LiveApp,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    private readonly clientIp: string,
    readonly path: string,
    readonly headers: string[],
    private readonly upgrade: UpgradeRequest | null = null,
  ) {
    (res as ExchangeResponse)[EXCHANGE] = this;
    res.on('close', onResponseClose);
  }

  start(body: Body): void {
    this.body = body;
    if (this.app.healthy.length === 0) {
      this.fail(503, ErrorCode.NoHealthyNode, `App ${this.app.name} has no healthy node`);
      return;
    }
    this.app.retryBudget.recordRequest();
    this.deadline = setTimeout(expire, this.app.settings.timeout_ms, this);
    this.dispatchTo(this.pick());
  }

  expire(): void {
    if (this.done) return;
    if (this.attempt) this.countFailure(this.attempt.node, 'timeout');
    if (this.committed) {
      this.finish(this.status, 'node_timeout');
      cutShort(this.res);
    } else {
      this.fail(
        504,
        ErrorCode.UpstreamTimeout,
        `The node did not answer within ${this.app.settings.timeout_ms} ms`,
      );
    }
    this.attempt?.abortUpstream();
  }

  fail(
    status: number,
    code: ErrorCode,
    description: string,
    extraHeaders: readonly string[] = [],
  ): void {
    if (this.done) return;
    this.discardRequestBody();
    this.bytesOut += sendError(this.res, status, code, description, this.requestId, extraHeaders);
    this.finish(status);
  }

  onHeaders(attempt: Attempt, status: number, raw: Buffer[]): void {
    this.upstreamTimeMs = performance.now() - this.upstreamStartedAt;
    this.answered = true;
    this.status = status;
    this.endPoint = attempt.node.id;
    this.head = downstreamResponseHeaders(raw, this.requestId);
  }

  /**
   * Drops what the node did not read of the request. A streamed body may be held paused even once it has
   * all arrived, and a paused request keeps the connection's next request from being read.
   */
  private discardRequestBody(): void {
    if (this.body instanceof StreamedRequestBody) this.body.discardRest();
    else if (!this.req.complete) this.req.resume();
  }

  /** Whether any of the node's answer has been handed to the client's connection. */
  private get committed(): boolean {
    return this.answered && this.head === null;
  }

  private writeHead(): void {
    if (this.head === null) return;
    this.res.writeHead(this.status, this.head);
    this.head = null;
  }

  /**
   * The node switched protocols: the client gets its 101 and the two sockets are piped together until either
   * closes. The log entry is written then, with the whole session as its total time; the node counts as busy
   * for least-connections meanwhile.
   */
  openTunnel(attempt: Attempt, status: number, raw: Buffer[], upstream: Duplex): void {
    if (this.done || this.upgrade === null) {
      upstream.destroy();
      attempt.release();
      return;
    }
    clearTimeout(this.deadline);
    this.upstreamTimeMs = performance.now() - this.upstreamStartedAt;
    this.answered = true;
    this.status = status;
    this.endPoint = attempt.node.id;
    attempt.node.recordTrafficSuccess();
    const client = this.res.socket as Socket;
    this.res.detachSocket(client);
    client.write(switchingProtocolsHead(raw, this.upgrade.protocol, this.requestId));
    const headBytes = client.bytesWritten;
    const requestBytes = (upstream as Socket).bytesWritten ?? 0;
    if (this.upgrade.head.length > 0) upstream.write(this.upgrade.head);
    upstream.on('error', ignore);
    upstream.pipe(client);
    client.pipe(upstream);
    let open = true;
    const close = (interrupted: Interruption | null = null) => {
      if (!open) return;
      open = false;
      this.deps.tunnels.delete(close);
      this.bytesOut = client.bytesWritten - headBytes;
      this.tunnelBytesIn = ((upstream as Socket).bytesWritten ?? requestBytes) - requestBytes;
      upstream.destroy();
      client.destroy();
      attempt.release();
      this.finish(status, interrupted);
    };
    const closed = () => close();
    this.deps.tunnels.add(close);
    upstream.once('close', closed);
    client.once('close', closed);
    // Once either side has finished sending, the other gets what is left and the tunnel closes: a peer that
    // ignores the half-close cannot hold it open.
    upstream.once('end', () => finished(client, { readable: false }, closed));
    client.once('end', () => finished(upstream, { readable: false }, closed));
  }

  get isDone(): boolean {
    return this.done;
  }

  write(chunk: Buffer, resume: () => void): boolean {
    if (this.res.destroyed) {
      this.attempt?.abortUpstream();
      return false;
    }
    this.bytesOut += chunk.length;
    this.writeHead();
    if (this.res.write(chunk)) return true;
    this.res.once('drain', resume);
    return false;
  }

  complete(attempt: Attempt, trailers: readonly RawHeaderField[] | null = null): void {
    attempt.node.recordTrafficSuccess();
    this.discardRequestBody();
    this.writeHead();
    if (trailers !== null && trailers.length > 0) this.addTrailers(trailers);
    this.res.end();
    this.finish(this.status);
  }

  /**
   * Passes the node's end-to-end trailer fields on, those Node accepts as fields. They reach the client
   * when its answer is chunked (an HTTP/1.1 client, no Content-Length), as the node's was to carry them.
   * The Trailer header field that announces them is dropped: Node refuses it on an answer it does not chunk.
   */
  private addTrailers(raw: readonly RawHeaderField[]): void {
    const fields = downstreamTrailerFields(raw).filter(([name, value]) => {
      try {
        validateHeaderName(name);
        validateHeaderValue(name, value);
        return true;
      } catch {
        return false;
      }
    });
    if (fields.length > 0) this.res.addTrailers(fields);
  }

  attemptFailed(attempt: Attempt, error: Error & { code?: string }): void {
    if (this.done) return;
    if (error instanceof BodyTooLargeError) {
      this.res.shouldKeepAlive = false;
      this.fail(413, ErrorCode.BodyTooLarge, error.message);
      return;
    }
    if (this.answered && !this.committed && isBodylessLengthMismatch(this.status, error)) {
      this.complete(attempt);
      return;
    }
    const closedKeptAlive = !this.answered && closedKeptAliveConnection(error);
    if (!closedKeptAlive) this.countFailure(attempt.node, describeFailure(error));
    if (this.committed) {
      this.finish(this.status, 'node_failed');
      cutShort(this.res);
      return;
    }
    if (!this.answered && this.mayRetry(attempt)) {
      const next = this.pick() ?? (closedKeptAlive ? attempt.node : undefined);
      if (next) {
        this.dispatchTo(next);
        return;
      }
    }
    this.fail(502, ErrorCode.UpstreamUnreachable, `Could not reach a node of ${this.app.name}`);
  }

  private countFailure(node: LiveNode, error: string): void {
    if (this.app.nodes.includes(node) && node.recordTrafficFailure(error, this.deps.thresholds)) {
      this.app.refreshHealthy();
    }
  }

  private mayRetry(attempt: Attempt): boolean {
    if (this.nodesTried.length > this.app.settings.retries) return false;
    const beforeSending = !attempt.connected;
    const bodyReplayable =
      !(this.body instanceof StreamedRequestBody) || (beforeSending && !this.body.started);
    if (!bodyReplayable) return false;
    const safe = beforeSending || IDEMPOTENT.has(this.req.method as string);
    return safe && this.app.retryBudget.tryAcquireRetry();
  }

  private pick(): LiveNode | undefined {
    const hashKey = this.app.settings.strategy === 'consistent-hash' ? this.hashKey() : undefined;
    return this.app.strategy.pick(this.app.healthy, {
      hashKey,
      exclude: this.nodesTried.length > 0 ? new Set(this.nodesTried) : undefined,
    }) as LiveNode | undefined;
  }

  private hashKey(): string | undefined {
    const header = this.app.hashHeader;
    if (!header) return this.clientIp;
    const value = this.req.headers[header];
    return Array.isArray(value) ? value[0] : value;
  }

  private dispatchTo(node: LiveNode | undefined): void {
    if (!node) {
      this.fail(503, ErrorCode.NoHealthyNode, `App ${this.app.name} has no healthy node`);
      return;
    }
    this.nodesTried.push(node.id);
    if (this.body instanceof StreamedRequestBody && this.nodesTried.length > 1) {
      this.body = this.body.fresh();
    }
    this.upstreamStartedAt = performance.now();
    this.attempt = new Attempt(this, node);
    node.activeRequests++;
    node.pool.dispatch(
      {
        path: this.path,
        method: this.req.method as Dispatcher.HttpMethod,
        headers: this.headers,
        body: this.body,
        upgrade: this.upgrade?.protocol,
        headersTimeout: 0,
        bodyTimeout: 0,
      },
      this.attempt,
    );
  }

  clientClosed(): void {
    if (this.done) return;
    this.finish(
      this.committed ? this.status : CLIENT_CLOSED_REQUEST,
      this.deps.cutByShutdown ? 'shutdown' : 'client_closed',
    );
    this.attempt?.abortUpstream();
  }

  private bytesIn(): number {
    if (this.tunnelBytesIn !== null) return this.tunnelBytesIn;
    if (this.body instanceof StreamedRequestBody) return this.body.bytesReceived;
    return this.body?.length ?? 0;
  }

  private finish(status: number, interrupted: Interruption | null = null): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.deadline);
    const totalMs = performance.now() - this.startedAt;
    this.app.traffic.observe(status, totalMs);
    if (this.endPoint !== null) this.attempt?.node.traffic.observe(status, totalMs);
    if (interrupted) {
      this.app.interruptions.set(interrupted, (this.app.interruptions.get(interrupted) ?? 0) + 1);
    }
    if (!this.deps.logs.enabled) return;
    this.deps.logs.record({
      date: new Date(),
      appId: this.app.id,
      method: this.req.method as string,
      path: pathWithoutQuery(this.path),
      endPoint: this.endPoint,
      responseCode: status,
      totalTimeMs: round(totalMs),
      upstreamTimeMs: this.upstreamTimeMs === null ? null : round(this.upstreamTimeMs),
      requestId: this.requestId,
      clientIp: this.clientIp,
      nodesTried: this.nodesTried,
      bytesIn: this.bytesIn(),
      bytesOut: this.bytesOut,
      interrupted,
    });
  }
}

class Attempt implements Dispatcher.DispatchHandler {
  connected = false;
  private abort: ((error?: Error) => void) | null = null;
  private settled = false;

  constructor(
    private readonly exchange: Exchange,
    readonly node: LiveNode,
  ) {}

  abortUpstream(): void {
    this.abort?.(new Error('client closed the connection'));
  }

  onConnect(abort: (error?: Error) => void): void {
    this.connected = true;
    this.abort = abort;
    if (this.exchange.isDone) abort(new Error('client closed the connection'));
  }

  onHeaders(statusCode: number, headers: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true;
    this.resume = resume;
    this.exchange.onHeaders(this, statusCode, headers);
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.exchange.write(chunk, this.resume);
  }

  onUpgrade(statusCode: number, headers: Buffer[], socket: Duplex): void {
    this.exchange.openTunnel(this, statusCode, headers, socket);
  }

  onComplete(trailers: string[] | null): void {
    this.release();
    this.exchange.complete(this, trailers);
  }

  onError(error: Error): void {
    this.release();
    this.exchange.attemptFailed(this, error);
  }

  private resume: () => void = () => undefined;

  release(): void {
    if (this.settled) return;
    this.settled = true;
    this.node.activeRequests--;
  }
}

/**
 * Ends a response whose body was cut short. A reset rather than a FIN: a client reading a body delimited by
 * the connection's end (HTTP/1.0, or no Content-Length) must not take what it got for the whole.
 */
function cutShort(res: ServerResponse): void {
  const socket = res.socket as (Socket & { resetAndDestroy?: () => void }) | null;
  if (socket && typeof socket.resetAndDestroy === 'function' && !socket.destroyed) {
    try {
      socket.resetAndDestroy();
    } catch {
      socket.destroy();
    }
  }
  res.destroy();
}

/**
 * The node closed, before answering the request, a connection on which it had answered before: most likely it
 * closed the connection as idle while the request was on its way, which says nothing of the node's health, and
 * a new connection to the same node will do (as nginx and browsers retry on a kept-alive connection).
 */
function closedKeptAliveConnection(error: Error & { code?: string; socket?: unknown }): boolean {
  if (error.code !== 'UND_ERR_SOCKET') return false;
  if (error.message !== 'other side closed' && error.message !== 'closed') return false;
  const bytesRead = (error.socket as { bytesRead?: unknown } | undefined)?.bytesRead;
  return typeof bytesRead === 'number' && bytesRead > 0;
}

/**
 * undici reports a Content-Length mismatch for a 204 or 304 that states the length of a body it never
 * has (RFC 9110 §8.6 allows that on 304): such an answer is complete.
 */
function isBodylessLengthMismatch(status: number, error: Error & { code?: string }): boolean {
  return (status === 204 || status === 304) && error.code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH';
}

function pathWithoutQuery(path: string): string {
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}

function ignore(): void {}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
