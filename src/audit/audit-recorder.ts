import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { ClientIpResolver } from '../common/client-ip';
import { RateLimiter } from '../common/rate-limiter';
import { AppConfig } from '../config/app-config';
import { AUDITED, AuditSpec } from './audited.decorator';
import { AuditedRequest, buildAuditEvent, HandlerOutcome } from './audit-event';
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
 * Events with no actor (calls refused before anyone was identified) are recorded up to
 * AUDIT_UNATTRIBUTED_PER_IP per client IP, so that anonymous callers cannot fill the database; the others
 * are counted in /metrics, and the first of each window is logged.
 */
@Injectable()
export class AuditRecorder {
  private readonly unattributed: RateLimiter;
  private readonly suppressionReports: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    private readonly ips: ClientIpResolver,
    config: AppConfig,
  ) {
    this.unattributed = new RateLimiter(config.auditUnattributedPerIp);
    this.suppressionReports = new RateLimiter({
      limit: 1,
      windowMs: config.auditUnattributedPerIp.windowMs,
    });
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
      if (event.actor === null && !this.unattributed.take(ip).allowed) {
        this.audit.suppress(event, this.suppressionReports.take(ip).allowed);
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
