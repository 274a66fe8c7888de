import { ConsistentHashStrategy } from './consistent-hash';
import { LeastConnectionsStrategy } from './least-connections';
import { RandomStrategy } from './random';
import { RoundRobinStrategy } from './round-robin';
import type { StrategyFactory, StrategyName } from './types';
import { WeightedRoundRobinStrategy } from './weighted-round-robin';

export const STRATEGY_NAMES: readonly StrategyName[] = Object.freeze([
  'random',
  'round-robin',
  'weighted-round-robin',
  'least-connections',
  'consistent-hash',
] as const);

export const strategyFactories: Readonly<Record<StrategyName, StrategyFactory>> = Object.freeze({
  random: (random?: () => number) => new RandomStrategy(random),
  'round-robin': () => new RoundRobinStrategy(),
  'weighted-round-robin': () => new WeightedRoundRobinStrategy(),
  'least-connections': (random?: () => number) => new LeastConnectionsStrategy(random),
  'consistent-hash': (random?: () => number) => new ConsistentHashStrategy(random),
});

export function isStrategyName(value: unknown): value is StrategyName {
  return typeof value === 'string' && Object.hasOwn(strategyFactories, value);
}
