export interface RetryBudgetOptions {
  /** Tokens each client request deposits; 0.2 allows retries for up to 20% extra load. */
  ratio?: number;
  /** Tokens available at start, so a quiet app can still retry. */
  minReserve?: number;
}

export const DEFAULT_RETRY_RATIO = 0.2;
export const DEFAULT_RETRY_MIN_RESERVE = 10;
/** The bucket holds at most minReserve plus the deposits of this many requests. */
const BANKED_REQUESTS = 100;
/** Fixed-point units per token, so repeated fractional deposits never round upwards. */
const UNITS_PER_TOKEN = 1_000_000;

/**
 * Token bucket bounding retries: each request deposits `ratio` tokens and each retry spends
 * one, so upstream attempts stay within (1 + ratio) × requests + minReserve.
 */
export class RetryBudget {
  private readonly deposit: number;
  private readonly capacity: number;
  private balance: number;

  constructor(opts: RetryBudgetOptions = {}) {
    const ratio = opts.ratio ?? DEFAULT_RETRY_RATIO;
    const minReserve = opts.minReserve ?? DEFAULT_RETRY_MIN_RESERVE;
    assertNonNegative('ratio', ratio);
    assertNonNegative('minReserve', minReserve);
    this.deposit = Math.floor(ratio * UNITS_PER_TOKEN);
    this.capacity = Math.floor((minReserve + ratio * BANKED_REQUESTS) * UNITS_PER_TOKEN);
    this.balance = Math.floor(minReserve * UNITS_PER_TOKEN);
  }

  recordRequest(): void {
    const next = this.balance + this.deposit;
    this.balance = next < this.capacity ? next : this.capacity;
  }

  tryAcquireRetry(): boolean {
    if (this.balance < UNITS_PER_TOKEN) return false;
    this.balance -= UNITS_PER_TOKEN;
    return true;
  }
}

function assertNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`RetryBudget ${name} must be a finite number >= 0, got ${value}`);
  }
}
