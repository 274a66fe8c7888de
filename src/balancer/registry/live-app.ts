import { RetryBudget } from '../../../libs/gateway-core/src/retry-budget';
import { BalancingStrategy, strategyFactories } from '../../../libs/gateway-core/src/strategies';
import type { AppSettings } from '../app-settings';
import type { LiveNode } from './live-node';
import { TrafficStats } from './traffic-stats';

export class LiveApp {
  nodes: LiveNode[] = [];
  healthy: LiveNode[] = [];
  strategy: BalancingStrategy;
  readonly retryBudget = new RetryBudget();
  readonly traffic = new TrafficStats();
  hashHeader: string | undefined;

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
    this.settings = settings;
    this.hashHeader = settings.hash_key.startsWith('header:')
      ? settings.hash_key.slice('header:'.length).toLowerCase()
      : undefined;
  }

  refreshHealthy(): void {
    this.healthy = this.nodes.filter((node) => node.status === 'up');
  }
}
