import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { catchError, tap } from 'rxjs/operators';
import { HandlerOutcome } from './audit-event';
import { AuditRecorder } from './audit-recorder';

/**
 * Registered once as APP_INTERCEPTOR; acts only on handlers marked @Audited. Global interceptors
 * run outside route ones, so errors of route interceptors (the 429 of @RateLimit) and of the
 * validation pipe are recorded too. Guards run earlier: JwtAuthGuard records its own refusals.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly recorder: AuditRecorder) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const call = this.recorder.callOf(context);
    if (!call) return next.handle();
    let recorded = false;
    const record = (outcome: HandlerOutcome) => {
      if (recorded) return;
      recorded = true;
      this.recorder.record(call, outcome);
    };
    return next.handle().pipe(
      tap({ next: (result: unknown) => record({ result }) }),
      catchError((error: unknown) => {
        record({ error });
        return throwError(() => error);
      }),
    );
  }
}
