import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RateLimiter } from './rate-limiter';

/** The gateway's own rate limits (Operations in the contract), one limiter per rule. */
@Injectable()
export class RateLimits {
  /** Failed logins per client IP and email (RATE_LIMIT_LOGIN_FAILURES). */
  readonly loginFailuresPerIpAndEmail: RateLimiter;
  /** Failed logins per client IP, whatever the email (RATE_LIMIT_LOGIN_FAILURES_PER_IP). */
  readonly loginFailuresPerIp: RateLimiter;
  /** Registration attempts per client IP (RATE_LIMIT_REGISTRATIONS). */
  readonly registrations: RateLimiter;

  constructor(config: AppConfig) {
    this.loginFailuresPerIpAndEmail = new RateLimiter(config.rateLimitLoginFailures);
    this.loginFailuresPerIp = new RateLimiter(config.rateLimitLoginFailuresPerIp);
    this.registrations = new RateLimiter(config.rateLimitRegistrations);
  }
}
