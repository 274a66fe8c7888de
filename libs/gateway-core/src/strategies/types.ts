export interface BalancedNode {
  readonly id: string;
  readonly weight: number;
  activeRequests: number;
}

export interface PickContext {
  hashKey?: string;
  exclude?: ReadonlySet<string>;
}

/**
 * `nodes` is replaced, never mutated, when membership changes, so implementations may cache
 * structures derived from it keyed by array identity.
 */
export interface BalancingStrategy {
  pick(nodes: readonly BalancedNode[], ctx: PickContext): BalancedNode | undefined;
}

export type StrategyName =
  'random' | 'round-robin' | 'weighted-round-robin' | 'least-connections' | 'consistent-hash';

/** Creates one strategy instance per app; instances may keep state between picks. */
export type StrategyFactory = (random?: () => number) => BalancingStrategy;
