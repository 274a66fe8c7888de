import { countEligible, nthEligible, randomIndex } from './eligibility';
import { weightOf } from './node-weight';
import type { BalancedNode, BalancingStrategy, PickContext } from './types';

/** Power of two random choices on activeRequests. */
export class LeastConnectionsStrategy implements BalancingStrategy {
  constructor(private readonly random: () => number = Math.random) {}

  pick(nodes: readonly BalancedNode[], ctx: PickContext): BalancedNode | undefined {
    const exclude = ctx.exclude;
    const count = countEligible(nodes, exclude);
    if (count === 0) return undefined;
    if (count === 1) return nthEligible(nodes, exclude, 0);
    const first = randomIndex(this.random, count);
    let second = randomIndex(this.random, count - 1);
    if (second >= first) second++;
    return lessLoaded(nthEligible(nodes, exclude, first), nthEligible(nodes, exclude, second));
  }
}

/**
 * On a full tie `a` wins: the ordered pair (a, b) is already uniformly random, so that is a
 * random tie-break without another draw.
 */
function lessLoaded(a: BalancedNode, b: BalancedNode): BalancedNode {
  if (a.activeRequests !== b.activeRequests) {
    return a.activeRequests < b.activeRequests ? a : b;
  }
  return weightOf(b) > weightOf(a) ? b : a;
}
