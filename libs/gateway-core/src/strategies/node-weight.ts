import type { BalancedNode } from './types';

/** Weights that are not positive finite numbers count as 1 so a misconfigured node still serves. */
export function weightOf(node: BalancedNode): number {
  const weight = node.weight;
  return weight > 0 && weight !== Infinity ? weight : 1;
}
