import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { ErrorCode } from '../../../libs/gateway-core/src/error-codes';
import { upstreamRequestHeaders } from '../../../libs/gateway-core/src/hop-by-hop';
import { ClientIpResolver, peerAddress } from '../../common/client-ip';
import { requestIdOf } from '../../common/request-id';
import { AppConfig } from '../../config/app-config';
import { RequestLogWriter } from '../../request-logs/request-log-writer';
import { HealthChecker } from '../health/health-checker';
import { SlidingWindowLimiter } from '../../../libs/gateway-core/src/sliding-window-limiter';
import { API_KEY_HEADER, hashApiKey } from '../api-keys/api-key-hash';
import { AppRegistry } from '../registry/app-registry';
import type { LiveApp } from '../registry/live-app';
import { Exchange, ExchangeDeps, UpgradeRequest } from './exchange';
import { PrivateAccess } from './private-access';
import { sendError } from '../../common/send-error';
import { bodyOnUpgradedSocket, readSmallBody, StreamedRequestBody } from './request-body';
import { responseOnSocket } from './response-on-socket';

export const BALANCE_PREFIX = '/api/balance';
const REPLAYABLE_BODY_LIMIT = 64 * 1024;

@Injectable()
export class ForwardingHandler {
  private readonly deps: ExchangeDeps;

  constructor(
    private readonly registry: AppRegistry,
    private readonly access: PrivateAccess,
    private readonly config: AppConfig,
    private readonly clientIps: ClientIpResolver,
    health: HealthChecker,
    logs: RequestLogWriter,
  ) {
    this.deps = { thresholds: health.thresholds, logs, tunnels: new Set(), cutByShutdown: false };
  }

  /** Ends every open tunnel, as cut by the shutdown; each one is logged as it ends. */
  closeTunnels(): void {
    for (const close of [...this.deps.tunnels]) close('shutdown');
  }

  /** At shutdown, before the connections still open are closed: the requests they carry are logged as cut by it. */
  markShutdownCut(): void {
    this.deps.cutByShutdown = true;
  }

  /** Why the app's access rules or rate limit refuse the request; undefined when they let it through. */
  private refusal(app: LiveApp, req: IncomingMessage, clientIp: string): Refusal | undefined {
    if (app.settings.private) {
      const verdict = this.access.check(app, req);
      if (verdict === 'forbidden') {
        return {
          status: 403,
          code: ErrorCode.Forbidden,
          description: 'This app is private to its owner',
        };
      }
      if (verdict !== 'allowed') {
        return {
          status: 401,
          code: ErrorCode.Unauthorized,
          description: "This app is private: send its owner's token",
        };
      }
    }
    if (!app.rateLimiter) return undefined;
    const decision = (app.rateLimiter as SlidingWindowLimiter).hit(
      rateLimitKey(app, req, clientIp),
    );
    if (decision.allowed) return undefined;
    const reset = String(decision.resetSeconds);
    return {
      status: 429,
      code: ErrorCode.RateLimited,
      description: 'Rate limit exceeded for this app',
      headers: [
        'retry-after',
        reset,
        'ratelimit-limit',
        String(decision.limit),
        'ratelimit-remaining',
        '0',
        'ratelimit-reset',
        reset,
      ],
    };
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const target = this.admit(req, res);
    if (target === null) return;
    this.forward(target, req, res, req, bodyLength(req));
  }

  /**
   * An HTTP upgrade (a WebSocket handshake, typically) on a balance route: the same checks as a request, then
   * the node's 101 answer opens a tunnel between the two sockets; any other answer is passed on as it is.
   * A request that carries a body (`curl --http2 -d …` asks for h2c that way) is forwarded as a plain
   * request instead, as RFC 9110 §7.8 lets a server ignore Upgrade; its connection closes after the answer.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const res = responseOnSocket(req, socket);
    const target = this.admit(req, res);
    if (target === null) return;
    const length = bodyLength(req);
    if (length === 0) {
      this.exchange(target, req, res, { protocol: req.headers.upgrade as string, head }).start(
        null,
      );
    } else if (length < 0) {
      this.exchange(target, req, res, null).fail(
        400,
        ErrorCode.BadPayload,
        'A request with an Upgrade header cannot have a chunked body: send Content-Length, or no Upgrade',
      );
    } else {
      const body =
        length <= this.config.maxProxyBody ? bodyOnUpgradedSocket(head, socket, length) : req;
      this.forward(target, req, res, body, length);
    }
  }

  /** Forwards a plain request whose body, `length` bytes long (-1: chunked), comes from `body`. */
  private forward(
    target: Admitted,
    req: IncomingMessage,
    res: ServerResponse,
    body: Readable,
    length: number,
  ): void {
    const exchange = this.exchange(target, req, res, null);
    if (length > this.config.maxProxyBody) {
      res.shouldKeepAlive = false;
      exchange.fail(
        413,
        ErrorCode.BodyTooLarge,
        `Body larger than ${this.config.maxProxyBody} bytes`,
      );
      return;
    }
    if (length === 0) {
      exchange.start(null);
    } else if (length > 0 && length <= REPLAYABLE_BODY_LIMIT) {
      readSmallBody(body, length).then(
        (bytes) => exchange.start(bytes),
        () => exchange.fail(400, ErrorCode.BadPayload, 'The request body could not be read'),
      );
    } else {
      exchange.start(new StreamedRequestBody(body, this.config.maxProxyBody));
    }
  }

  private exchange(
    target: Admitted,
    req: IncomingMessage,
    res: ServerResponse,
    upgrade: UpgradeRequest | null,
  ): Exchange {
    const { app, requestId, clientIp, path, headers } = target;
    return new Exchange(this.deps, app, req, res, requestId, clientIp, path, headers, upgrade);
  }

  /** Finds the app and applies its access and rate-limit rules, answering the client itself when refused. */
  private admit(req: IncomingMessage, res: ServerResponse): Admitted | null {
    const requestId = requestIdOf(req);
    const url = req.url as string;
    const nameStart = BALANCE_PREFIX.length + 1;
    let nameEnd = nameStart;
    while (nameEnd < url.length && url[nameEnd] !== '/' && url[nameEnd] !== '?') nameEnd++;
    const app =
      url[nameStart - 1] === '/' ? this.registry.get(url.slice(nameStart, nameEnd)) : undefined;
    if (!app) {
      req.resume();
      sendError(res, 404, ErrorCode.NotFoundOrExists, 'Unknown app', requestId);
      return null;
    }
    const clientIp = this.clientIps.resolve(req);
    const rest = url.slice(nameEnd);
    const path = rest.length === 0 ? '/' : rest[0] === '?' ? `/${rest}` : rest;
    const refused = this.refusal(app, req, clientIp);
    if (refused) {
      const exchange = new Exchange(this.deps, app, req, res, requestId, clientIp, path, []);
      exchange.fail(refused.status, refused.code, refused.description, refused.headers);
      return null;
    }
    const viaProxy = this.clientIps.fromTrustedProxy(req);
    const headers = upstreamRequestHeaders(req.rawHeaders, {
      peerIp: peerAddress(req),
      fromTrustedProxy: viaProxy,
      proto: (viaProxy && forwardedProto(req)) || schemeOf(req),
      host: (viaProxy && firstValue(req.headers['x-forwarded-host'])) || req.headers.host,
      requestId,
    });
    return { app, requestId, clientIp, path, headers };
  }
}

interface Refusal {
  status: number;
  code: ErrorCode;
  description: string;
  headers?: string[];
}

interface Admitted {
  app: LiveApp;
  requestId: string;
  clientIp: string;
  path: string;
  headers: string[];
}

function rateLimitKey(app: LiveApp, req: IncomingMessage, clientIp: string): string {
  const rule = app.settings.rate_limit;
  if (rule?.key === 'api_key') {
    const key = req.headers[API_KEY_HEADER];
    const hash = typeof key === 'string' ? hashApiKey(key) : undefined;
    return hash !== undefined && app.apiKeyHashes.has(hash) ? `key:${hash}` : `ip:${clientIp}`;
  }
  if (app.rateLimitHeader) {
    const value = req.headers[app.rateLimitHeader];
    return `header:${Array.isArray(value) ? value[0] : (value ?? '')}`;
  }
  return `ip:${clientIp}`;
}

/** The scheme of the connection the request came on (the gateway serves HTTPS when TLS files are set). */
function schemeOf(req: IncomingMessage): 'http' | 'https' {
  return (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
}

/** The scheme the client used, as the trusted proxy in front reports it: `http` or `https`, else nothing. */
function forwardedProto(req: IncomingMessage): string | undefined {
  const proto = firstValue(req.headers['x-forwarded-proto'])?.toLowerCase();
  return proto === 'http' || proto === 'https' ? proto : undefined;
}

/** The first (client-side) entry of a comma-separated forwarding field. */
function firstValue(field: string | string[] | undefined): string | undefined {
  const value = Array.isArray(field) ? field[0] : field;
  if (value === undefined) return undefined;
  const comma = value.indexOf(',');
  return (comma === -1 ? value : value.slice(0, comma)).trim() || undefined;
}

function bodyLength(req: IncomingMessage): number {
  const declared = req.headers['content-length'];
  if (declared !== undefined) return Number(declared);
  return req.headers['transfer-encoding'] !== undefined ? -1 : 0;
}
