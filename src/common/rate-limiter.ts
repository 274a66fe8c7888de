import { RateLimitRule } from '../config/parsers';

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Hits still allowed in the current window (after this one, for take()). */
  readonly remaining: number;
  /** When allowed is false: how long until a hit is allowed again. Otherwise 0. */
  readonly retryAfterMs: number;
}

export interface Reservation {
  readonly key: string;
  readonly at: number;
}

export interface RateLimiterOptions {
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
  /** Most keys held at once; past it expired keys are swept (at most once per window), then the least recently hit keys dropped. */
  maxKeys?: number;
}

const DEFAULT_MAX_KEYS = 100_000;

/**
 * Sliding-window log: at most `limit` hits per key in any `windowMs`. Each key keeps the times of
 * its hits in the window, so never more than `limit` numbers; keys whose hits are all older than
 * the window are swept at most once per window, and the number of keys is capped, so memory stays
 * bounded whatever keys callers send.
 *
 * Keys are kept in order of last hit, so when the cap is reached the least recently hit go first.
 *
 * take() records a hit before the work it guards is done, so concurrent attempts cannot all slip
 * through before the first one is counted; release() gives the hit back when the attempt turns out
 * not to count (a successful login, say).
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly maxKeys: number;
  private lastSweep: number;

  constructor(
    readonly rule: RateLimitRule,
    options: RateLimiterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.lastSweep = this.now();
  }

  get size(): number {
    return this.hits.size;
  }

  /** The decision take() would make, without recording anything. */
  check(key: string): RateLimitDecision {
    const now = this.now();
    return this.decide(this.live(key, now), now);
  }

  /** Records a hit when it is allowed; a refused hit is not recorded. */
  take(key: string): RateLimitDecision & { reservation?: Reservation } {
    const now = this.now();
    this.maybeSweep(now);
    const times = this.live(key, now);
    const decision = this.decide(times, now);
    if (!decision.allowed) return decision;
    this.hits.delete(key);
    this.store(key, times);
    times.push(now);
    return { ...decision, remaining: decision.remaining - 1, reservation: { key, at: now } };
  }

  /** Gives back one hit recorded by take(). */
  release(reservation: Reservation | undefined): void {
    if (!reservation) return;
    const times = this.hits.get(reservation.key);
    if (!times) return;
    const index = times.lastIndexOf(reservation.at);
    if (index !== -1) times.splice(index, 1);
    if (times.length === 0) this.hits.delete(reservation.key);
  }

  /** Forgets every hit of the key. */
  reset(key: string): void {
    this.hits.delete(key);
  }

  private decide(times: number[], now: number): RateLimitDecision {
    const { limit, windowMs } = this.rule;
    if (times.length < limit) {
      return { allowed: true, limit, remaining: limit - times.length, retryAfterMs: 0 };
    }
    const oldestThatMustExpire = times[times.length - limit];
    return {
      allowed: false,
      limit,
      remaining: 0,
      retryAfterMs: Math.max(1, oldestThatMustExpire + windowMs - now),
    };
  }

  /** The key's hits still inside the window (older ones are dropped), oldest first. */
  private live(key: string, now: number): number[] {
    const times = this.hits.get(key);
    if (!times) return [];
    const horizon = now - this.rule.windowMs;
    let expired = 0;
    while (expired < times.length && times[expired] <= horizon) expired++;
    if (expired > 0) times.splice(0, expired);
    if (times.length === 0) this.hits.delete(key);
    return times;
  }

  private store(key: string, times: number[]): void {
    if (this.hits.size >= this.maxKeys) this.maybeSweep(this.now());
    // Still full: drop the least recently hit keys (Map iteration follows insertion order).
    while (this.hits.size >= this.maxKeys) {
      const oldest = this.hits.keys().next().value as string;
      this.hits.delete(oldest);
    }
    this.hits.set(key, times);
  }

  private maybeSweep(now: number): void {
    if (now - this.lastSweep >= this.rule.windowMs) this.sweep(now);
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    const horizon = now - this.rule.windowMs;
    for (const [key, times] of this.hits) {
      if (times.length === 0 || times[times.length - 1] <= horizon) this.hits.delete(key);
    }
  }
}
