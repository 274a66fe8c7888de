import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { Observable, throwError } from 'rxjs';
import { catchError, tap } from 'rxjs/operators';
import { ClientIpResolver } from '../common/client-ip';
import { AUDITED, AuditSpec } from './audited.decorator';
import { AuditedRequest, buildAuditEvent, HandlerOutcome } from './audit-event';
import { AuditService } from './audit.service';

/**
 * Registered once as APP_INTERCEPTOR; acts only on handlers marked @Audited. Global interceptors
 * run outside route ones, so errors of route interceptors (the 429 of @RateLimit) and of the
 * validation pipe are recorded too. Guards run earlier: a request refused by the JWT guard is
 * not audited (nobody is known to have acted).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    private readonly ips: ClientIpResolver,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDITED, context.getHandler());
    if (!spec || context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<AuditedRequest>();
    const res = http.getResponse<ServerResponse>();
    const date = new Date();
    let recorded = false;
    const record = (outcome: HandlerOutcome) => {
      if (recorded) return;
      recorded = true;
      this.record(spec, req, res, date, outcome);
    };
    return next.handle().pipe(
      tap({ next: (result: unknown) => record({ result }) }),
      catchError((error: unknown) => {
        record({ error });
        return throwError(() => error);
      }),
    );
  }

  /** Builds the event now, while the request is intact; writes it once the response is out. */
  private record(
    spec: AuditSpec,
    req: AuditedRequest,
    res: ServerResponse,
    date: Date,
    outcome: HandlerOutcome,
  ): void {
    try {
      const event = buildAuditEvent(spec, req, this.ips.resolve(req), date, outcome);
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
