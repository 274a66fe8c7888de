import { SlidingWindowLimiter } from './sliding-window-limiter';

describe('SlidingWindowLimiter', () => {
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows up to the limit in a window, then refuses with the time to the window end', () => {
    const limiter = new SlidingWindowLimiter(3, 10_000, clock);
    expect([1, 2, 3].map(() => limiter.hit('a').allowed)).toEqual([true, true, true]);
    const refused = limiter.hit('a');
    expect(refused).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 10 });
    expect(limiter.hit('b').allowed).toBe(true);
  });

  it('counts the previous window in proportion to its overlap', () => {
    const limiter = new SlidingWindowLimiter(10, 10_000, clock);
    for (let i = 0; i < 10; i++) limiter.hit('a');
    now += 10_000 + 5_000;
    const allowed = [];
    for (let i = 0; i < 10; i++) allowed.push(limiter.hit('a').allowed);
    expect(allowed.filter(Boolean)).toHaveLength(5);
  });

  it('forgets a window two periods old', () => {
    const limiter = new SlidingWindowLimiter(2, 1000, clock);
    limiter.hit('a');
    limiter.hit('a');
    now += 2500;
    expect(limiter.hit('a')).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('keeps at most maxKeys keys', () => {
    const limiter = new SlidingWindowLimiter(1, 1000, clock, 2);
    limiter.hit('a');
    limiter.hit('b');
    limiter.hit('c');
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.hit('c').allowed).toBe(false);
  });
});
