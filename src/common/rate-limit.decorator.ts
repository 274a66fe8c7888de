import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { RATE_LIMIT_POLICY, RateLimitInterceptor, RateLimitPolicy } from './rate-limit.interceptor';

/**
 * Applies one of the gateway's rate limits to a route; over it the route answers 429 "07".
 *
 * - `login-failures`: failed credential checks (401) per client IP and email and per client IP; once
 *   limited, even the right password is refused until the window slides. Use it on every route
 *   that checks a password (login, delete user), since each one can be used to guess passwords.
 * - `registrations`: registration attempts per client IP (bad payloads, 400, do not count).
 *
 * It is an interceptor rather than a guard so that the global AuditInterceptor, which runs
 * outside it, records the refused attempts too.
 */
export const RateLimit = (policy: RateLimitPolicy) =>
  applyDecorators(SetMetadata(RATE_LIMIT_POLICY, policy), UseInterceptors(RateLimitInterceptor));
