import * as core from './index';

describe('gateway-core barrel', () => {
  it('exposes the public API', () => {
    expect(Object.keys(core).sort()).toEqual(
      [
        'AddressPolicy',
        'ConsistentHashStrategy',
        'DEFAULT_RETRY_MIN_RESERVE',
        'DEFAULT_RETRY_RATIO',
        'ErrorCode',
        'LeastConnectionsStrategy',
        'RandomStrategy',
        'RetryBudget',
        'RoundRobinStrategy',
        'STRATEGY_NAMES',
        'VIRTUAL_NODES_PER_NODE',
        'WeightedRoundRobinStrategy',
        'downstreamResponseHeaders',
        'errorBody',
        'isStrategyName',
        'parseCidrList',
        'resolveHost',
        'strategyFactories',
        'upstreamRequestHeaders',
      ].sort(),
    );
  });
});
