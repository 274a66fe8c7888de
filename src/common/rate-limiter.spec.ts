import { RateLimiter } from './rate-limiter';

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('RateLimiter', () => {
  it('allows `limit` hits per key in the window, then refuses without recording', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000 }, { now: c.now });
    expect([1, 2, 3].map(() => limiter.take('a').remaining)).toEqual([2, 1, 0]);
    const refused = limiter.take('a');
    expect(refused).toEqual({ allowed: false, limit: 3, remaining: 0, retryAfterMs: 60_000 });
    expect(refused).not.toHaveProperty('reservation');
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('slides: a slot frees when the oldest hit leaves the window, and Retry-After says when', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 2, windowMs: 10_000 }, { now: c.now });
    limiter.take('k');
    c.advance(4_000);
    limiter.take('k');
    c.advance(1_000);
    expect(limiter.check('k')).toMatchObject({ allowed: false, retryAfterMs: 5_000 });
    c.advance(4_999);
    expect(limiter.take('k')).toMatchObject({ allowed: false, retryAfterMs: 1 });
    c.advance(1);
    expect(limiter.take('k')).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.check('k')).toMatchObject({ allowed: false, retryAfterMs: 4_000 });
  });

  it('check() records nothing', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000 }, { now: clock().now });
    for (let i = 0; i < 5; i++) expect(limiter.check('k').allowed).toBe(true);
    expect(limiter.size).toBe(0);
  });

  it('release() gives a reserved hit back; reset() forgets a key', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 2, windowMs: 10_000 }, { now: c.now });
    const first = limiter.take('k');
    c.advance(10);
    limiter.take('k');
    expect(limiter.check('k').allowed).toBe(false);
    limiter.release(first.reservation);
    expect(limiter.check('k')).toMatchObject({ allowed: true, remaining: 1 });
    limiter.release(first.reservation);
    expect(limiter.check('k').remaining).toBe(1);
    limiter.reset('k');
    expect(limiter.check('k').remaining).toBe(2);
    expect(limiter.size).toBe(0);
  });

  it('counts concurrent attempts: reserved hits are refused before any of them settles', () => {
    const limiter = new RateLimiter({ limit: 5, windowMs: 60_000 }, { now: clock().now });
    const attempts = Array.from({ length: 50 }, () => limiter.take('ip'));
    expect(attempts.filter((a) => a.allowed)).toHaveLength(5);
  });

  it('sweeps keys whose hits have all expired, at most once per window', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 5, windowMs: 1_000 }, { now: c.now });
    for (let i = 0; i < 100; i++) limiter.take(`key-${i}`);
    expect(limiter.size).toBe(100);
    c.advance(500);
    limiter.take('fresh');
    expect(limiter.size).toBe(101);
    c.advance(600);
    limiter.take('later');
    expect(limiter.size).toBe(2);
  });

  it('never holds more than maxKeys keys, dropping the least recently hit', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 5, windowMs: 60_000 }, { now: c.now, maxKeys: 3 });
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    limiter.take('a');
    limiter.take('d');
    expect(limiter.size).toBe(3);
    expect(limiter.check('b').remaining).toBe(5);
    expect(limiter.check('a').remaining).toBe(3);
  });

  it('uses the real clock by default', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000 });
    limiter.take('k');
    const refused = limiter.take('k');
    expect(refused.retryAfterMs).toBeGreaterThan(59_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
  });
});
