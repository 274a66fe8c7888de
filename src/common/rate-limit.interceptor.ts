import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Observable, throwError } from 'rxjs';
import { catchError, finalize, tap } from 'rxjs/operators';
import { ApiError, RateLimitedError } from './api-error';
import { ClientIpResolver, clientKey } from './client-ip';
import { RateLimitDecision, RateLimiter, Reservation } from './rate-limiter';
import { RateLimits } from './rate-limit.service';

export const RATE_LIMIT_POLICY = 'rateLimitPolicy';
export type RateLimitPolicy = 'login-failures' | 'registrations';

interface Taken {
  limiter: RateLimiter;
  key: string;
  decision: RateLimitDecision & { reservation?: Reservation };
}

/** Applied per route by @RateLimit(); see rate-limit.decorator.ts. */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimits,
    private readonly ips: ClientIpResolver,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const policy = this.reflector.get<RateLimitPolicy | undefined>(
      RATE_LIMIT_POLICY,
      context.getHandler(),
    );
    if (!policy || context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<IncomingMessage & { body?: unknown }>();
    const client = clientKey(this.ips.resolve(req));
    return policy === 'registrations'
      ? this.limitRegistrations(client, next)
      : this.limitLoginFailures(client, emailOf(req.body), next);
  }

  private limitRegistrations(client: string, next: CallHandler): Observable<unknown> {
    const taken = this.take([[this.limits.registrations, client]]);
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (isBadPayload(error)) release(taken);
        return throwError(() => error);
      }),
    );
  }

  /**
   * Every attempt reserves a hit before the password is checked, so parallel guesses are counted;
   * the hit stays only when the check fails (401). A success also forgets the earlier failures for
   * this email from this IP, so a user who mistyped a few times is not locked out later on.
   */
  private limitLoginFailures(
    client: string,
    email: string | undefined,
    next: CallHandler,
  ): Observable<unknown> {
    const perIp: [RateLimiter, string] = [this.limits.loginFailuresPerIp, client];
    const perIpAndEmail: [RateLimiter, string][] = email
      ? [[this.limits.loginFailuresPerIpAndEmail, `${client} ${digest(email)}`]]
      : [];
    const taken = this.take([perIp, ...perIpAndEmail]);
    let settled = false;
    const settle = (outcome: 'success' | 'failed-credentials' | 'other') => {
      if (settled) return;
      settled = true;
      if (outcome === 'failed-credentials') return;
      release(taken);
      if (outcome === 'success') for (const [limiter, key] of perIpAndEmail) limiter.reset(key);
    };
    return next.handle().pipe(
      tap({
        next: () => settle('success'),
        error: (error: unknown) =>
          settle(isFailedCredentials(error) ? 'failed-credentials' : 'other'),
      }),
      finalize(() => settle('other')),
    );
  }

  /** Takes a hit from every limiter, or none: when one refuses, the others are given back. */
  private take(keys: [RateLimiter, string][]): Taken[] {
    const taken = keys.map(([limiter, key]) => ({ limiter, key, decision: limiter.take(key) }));
    const refused = taken.filter((t) => !t.decision.allowed);
    if (refused.length === 0) return taken;
    release(taken);
    const longest = refused.reduce((a, b) =>
      b.decision.retryAfterMs > a.decision.retryAfterMs ? b : a,
    );
    throw new RateLimitedError(
      Math.ceil(longest.decision.retryAfterMs / 1000),
      longest.decision.limit,
    );
  }
}

function release(taken: Taken[]): void {
  for (const t of taken) t.limiter.release(t.decision.reservation);
}

function emailOf(body: unknown): string | undefined {
  const email =
    typeof body === 'object' && body !== null ? (body as { email?: unknown }).email : undefined;
  return typeof email === 'string' && email.trim() !== '' ? email.trim().toLowerCase() : undefined;
}

/** Keys stay short whatever the client sends as email. */
function digest(email: string): string {
  return createHash('sha256').update(email).digest('base64url');
}

function isFailedCredentials(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

function isBadPayload(error: unknown): boolean {
  return error instanceof ApiError && error.status === 400;
}
