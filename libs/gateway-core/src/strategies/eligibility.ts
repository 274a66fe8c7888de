import type { BalancedNode } from './types';

export function isEligible(node: BalancedNode, exclude: ReadonlySet<string> | undefined): boolean {
  return exclude === undefined || !exclude.has(node.id);
}

export function countEligible(
  nodes: readonly BalancedNode[],
  exclude: ReadonlySet<string> | undefined,
): number {
  if (exclude === undefined || exclude.size === 0) return nodes.length;
  let count = 0;
  for (let i = 0; i < nodes.length; i++) {
    if (!exclude.has(nodes[i].id)) count++;
  }
  return count;
}

/** The `ordinal`-th (0-based) node not in `exclude`; `ordinal` must be below countEligible. */
export function nthEligible(
  nodes: readonly BalancedNode[],
  exclude: ReadonlySet<string> | undefined,
  ordinal: number,
): BalancedNode {
  if (exclude === undefined || exclude.size === 0) return nodes[ordinal];
  let remaining = ordinal;
  for (let i = 0; i < nodes.length; i++) {
    if (exclude.has(nodes[i].id)) continue;
    if (remaining === 0) return nodes[i];
    remaining--;
  }
  throw new RangeError(`no eligible node at ordinal ${ordinal}`);
}

/** Uniform integer in [0, bound); tolerates an injected generator that returns exactly 1. */
export function randomIndex(random: () => number, bound: number): number {
  const index = Math.floor(random() * bound);
  return index < bound ? index : bound - 1;
}

export function pickUniform(
  nodes: readonly BalancedNode[],
  exclude: ReadonlySet<string> | undefined,
  random: () => number,
): BalancedNode | undefined {
  const count = countEligible(nodes, exclude);
  if (count === 0) return undefined;
  return nthEligible(nodes, exclude, randomIndex(random, count));
}
