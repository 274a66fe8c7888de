export type {
  BalancedNode,
  BalancingStrategy,
  PickContext,
  StrategyFactory,
  StrategyName,
} from './types';
export { STRATEGY_NAMES, strategyFactories, isStrategyName } from './registry';
export { RandomStrategy } from './random';
export { RoundRobinStrategy } from './round-robin';
export { WeightedRoundRobinStrategy } from './weighted-round-robin';
export { LeastConnectionsStrategy } from './least-connections';
export { ConsistentHashStrategy } from './consistent-hash';
export { VIRTUAL_NODES_PER_NODE } from './hash-ring';
