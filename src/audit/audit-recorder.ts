import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { ClientIpResolver, clientKey } from '../common/client-ip';
import { RateLimiter } from '../common/rate-limiter';
import { AppConfig } from '../config/app-config';
import { AUDITED, AuditSpec } from './audited.decorator';
import { AuditedRequest, authenticatedUser, buildAuditEvent, HandlerOutcome } from './audit-event';
import { AuditService } from './audit.service';

/** One audited request, as seen by whoever records its outcome (the interceptor or the JWT guard). */
export interface AuditedCall {
  readonly spec: AuditSpec;
  readonly req: AuditedRequest;
  readonly res: ServerResponse;
  readonly date: Date;
}

/**
 * Turns the outcome of an @Audited handler's request into an audit event, written once the response is out.
 * Refused calls from clients without a valid token (none, a forged or expired one, a deleted user's) are
 * recorded up to AUDIT_REFUSALS_PER_CLIENT per client (IPv4 address or IPv6 /64) and action, so that they
 * cannot fill the database and a flood on one route cannot hide another's failures; the rest are counted.
 */
@Injectable()
export class AuditRecorder {
  private readonly refusals: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    private readonly ips: ClientIpResolver,
    config: AppConfig,
  ) {
    this.refusals = new RateLimiter(config.auditRefusalsPerClient);
  }

  /** The audited call that `context` is, or undefined when its handler is not marked @Audited. */
  callOf(context: ExecutionContext): AuditedCall | undefined {
    if (context.getType() !== 'http') return undefined;
    const spec = this.reflector.get<AuditSpec | undefined>(AUDITED, context.getHandler());
    if (!spec) return undefined;
    const http = context.switchToHttp();
    return {
      spec,
      req: http.getRequest<AuditedRequest>(),
      res: http.getResponse<ServerResponse>(),
      date: new Date(),
    };
  }

  /** Builds the event now, while the request is intact; writes it once the response is out. */
  record(call: AuditedCall, outcome: HandlerOutcome): void {
    const { spec, req, res, date } = call;
    try {
      const ip = this.ips.resolve(req);
      const event = buildAuditEvent(spec, req, ip, date, outcome);
      if (
        event.outcome === 'failure' &&
        authenticatedUser(req) === undefined &&
        !this.refusals.take(`${spec.action} ${clientKey(ip)}`).allowed
      ) {
        this.audit.suppress(event, this.refusals.rule.windowMs);
        return;
      }
      afterResponse(res, () => this.audit.write(event));
    } catch (error) {
      this.audit.writeFailed({ action: spec.action, requestId: req.requestId }, error);
    }
  }
}

function afterResponse(res: ServerResponse, run: () => void): void {
  if (res.closed || res.destroyed) setImmediate(run);
  else res.once('close', run);
}
