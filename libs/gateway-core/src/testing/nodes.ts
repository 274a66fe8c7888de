import type { BalancedNode } from '../strategies/types';

export function makeNode(id: string, weight = 1, activeRequests = 0): BalancedNode {
  return { id, weight, activeRequests };
}

export function makeNodes(...ids: string[]): BalancedNode[] {
  return ids.map((id) => makeNode(id));
}

export function countPicks(
  pick: () => BalancedNode | undefined,
  times: number,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < times; i++) {
    const node = pick();
    const key = node === undefined ? 'undefined' : node.id;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
