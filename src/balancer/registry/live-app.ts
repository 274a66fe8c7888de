import { RetryBudget } from '../../../libs/gateway-core/src/retry-budget';
import { BalancingStrategy, strategyFactories } from '../../../libs/gateway-core/src/strategies';
import { SlidingWindowLimiter } from '../../../libs/gateway-core/src/sliding-window-limiter';
import type { Interruption } from '../../request-logs/request-log-entry';
import type { AppSettings, RateLimitSetting } from '../app-settings';
import type { LiveNode } from './live-node';
import { TrafficStats } from './traffic-stats';

export class LiveApp {
  nodes: LiveNode[] = [];
  healthy: LiveNode[] = [];
  strategy: BalancingStrategy;
  readonly retryBudget = new RetryBudget();
  readonly traffic = new TrafficStats();
  /** Answers that did not reach the client whole, by why. */
  readonly interruptions = new Map<Interruption, number>();
  hashHeader: string | undefined;
  apiKeyHashes: ReadonlySet<string> = new Set();
  rateLimiter: SlidingWindowLimiter | undefined;
  rateLimitHeader: string | undefined;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly ownerId: string,
    public settings: AppSettings,
    public revision: number,
  ) {
    this.applySettings(settings);
  }

  applySettings(settings: AppSettings): void {
    if (!this.strategy || settings.strategy !== this.settings.strategy) {
      this.strategy = strategyFactories[settings.strategy]();
    }
    if (!this.rateLimiter || !sameRateLimit(settings.rate_limit, this.settings.rate_limit)) {
      const rule = settings.rate_limit;
      this.rateLimiter = rule ? new SlidingWindowLimiter(rule.limit, rule.window_ms) : undefined;
      this.rateLimitHeader = rule?.key.startsWith('header:')
        ? rule.key.slice('header:'.length).toLowerCase()
        : undefined;
    }
    this.settings = settings;
    this.hashHeader = settings.hash_key.startsWith('header:')
      ? settings.hash_key.slice('header:'.length).toLowerCase()
      : undefined;
  }

  refreshHealthy(): void {
    this.healthy = this.nodes.filter((node) => node.status === 'up');
  }
}

function sameRateLimit(a: RateLimitSetting | null, b: RateLimitSetting | null): boolean {
  return (
    a === b || (!!a && !!b && a.limit === b.limit && a.window_ms === b.window_ms && a.key === b.key)
  );
}
