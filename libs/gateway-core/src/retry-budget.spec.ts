import { RetryBudget } from './retry-budget';

/** Sends `requests` requests to an upstream where every attempt fails; returns total attempts. */
function attemptsWhileEverythingFails(
  budget: RetryBudget,
  requests: number,
  maxAttemptsPerRequest: number,
): number {
  let attempts = 0;
  for (let request = 0; request < requests; request++) {
    budget.recordRequest();
    attempts++;
    for (let retry = 1; retry < maxAttemptsPerRequest && budget.tryAcquireRetry(); retry++) {
      attempts++;
    }
  }
  return attempts;
}

describe('RetryBudget', () => {
  it.each([2, 3, 10, Infinity])(
    'keeps attempts within (1 + 0.2) × 1000 + 10 when all nodes fail (max %p attempts each)',
    (maxAttempts) => {
      const attempts = attemptsWhileEverythingFails(new RetryBudget(), 1_000, maxAttempts);
      expect(attempts).toBeLessThanOrEqual(1.2 * 1_000 + 10);
      expect(attempts).toBeGreaterThanOrEqual(1.2 * 1_000 + 10 - 1);
    },
  );

  it.each([
    { ratio: 0.1, minReserve: 0 },
    { ratio: 0.3, minReserve: 5 },
    { ratio: 1 / 3, minReserve: 2 },
    { ratio: 0, minReserve: 4 },
  ])('keeps attempts within (1 + ratio) × requests + minReserve for %p', (opts) => {
    const attempts = attemptsWhileEverythingFails(new RetryBudget(opts), 1_000, Infinity);
    expect(attempts).toBeLessThanOrEqual((1 + opts.ratio) * 1_000 + opts.minReserve);
  });

  it('starts with minReserve retries available', () => {
    const budget = new RetryBudget({ ratio: 0.2, minReserve: 3 });
    expect([1, 2, 3, 4].map(() => budget.tryAcquireRetry())).toEqual([true, true, true, false]);
  });

  it('earns one retry per 1/ratio requests', () => {
    const budget = new RetryBudget({ ratio: 0.2, minReserve: 0 });
    for (let i = 0; i < 4; i++) budget.recordRequest();
    expect(budget.tryAcquireRetry()).toBe(false);
    budget.recordRequest();
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
  });

  it('cannot bank more than minReserve + ratio × 100 tokens during quiet periods', () => {
    const budget = new RetryBudget({ ratio: 0.2, minReserve: 10 });
    for (let i = 0; i < 100_000; i++) budget.recordRequest();
    let burst = 0;
    while (budget.tryAcquireRetry()) burst++;
    expect(burst).toBe(30);
  });

  it('rejects negative or non-finite options', () => {
    expect(() => new RetryBudget({ ratio: -0.1 })).toThrow(RangeError);
    expect(() => new RetryBudget({ minReserve: Number.NaN })).toThrow(RangeError);
    expect(() => new RetryBudget({ ratio: Infinity })).toThrow(RangeError);
  });
});
