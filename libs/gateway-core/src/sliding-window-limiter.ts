export interface WindowDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends (RateLimit-Reset, and Retry-After when refused). */
  resetSeconds: number;
}

interface KeyWindow {
  start: number;
  current: number;
  previous: number;
}

const DEFAULT_MAX_KEYS = 100_000;

/**
 * Sliding-window counter: the previous window's count, weighted by how much of it still overlaps
 * the sliding window, plus the current window's count. O(1) time and memory per key; the number of
 * keys is capped (the least recently started windows are forgotten first).
 */
export class SlidingWindowLimiter {
  private readonly windows = new Map<string, KeyWindow>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {}

  hit(key: string): WindowDecision {
    const now = this.now();
    const start = now - (now % this.windowMs);
    let window = this.windows.get(key);
    if (!window) {
      window = { start, current: 0, previous: 0 };
      this.remember(key, window);
    } else if (window.start !== start) {
      window.previous = start - window.start === this.windowMs ? window.current : 0;
      window.current = 0;
      window.start = start;
    }
    const overlap = 1 - (now - start) / this.windowMs;
    const used = window.previous * overlap + window.current;
    const resetSeconds = Math.max(1, Math.ceil((start + this.windowMs - now) / 1000));
    if (used + 1 > this.limit) {
      return { allowed: false, limit: this.limit, remaining: 0, resetSeconds };
    }
    window.current++;
    return { allowed: true, limit: this.limit, remaining: Math.floor(this.limit - used - 1), resetSeconds };
  }

  private remember(key: string, window: KeyWindow): void {
    if (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next().value as string;
      this.windows.delete(oldest);
    }
    this.windows.set(key, window);
  }
}
