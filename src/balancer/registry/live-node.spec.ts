import type { Pool } from 'undici';
import { endPointOf, LiveNode } from './live-node';

const pool = {} as Pool;
const thresholds = { unhealthy: 2, healthy: 2 };

function node(): LiveNode {
  return new LiveNode('127.0.0.1', 8080, '/health', 1, pool, pool);
}

describe('LiveNode health', () => {
  it('starts up and goes down only after the unhealthy threshold of failed checks', () => {
    const n = node();
    expect(n.status).toBe('up');
    expect(n.recordCheck(false, 'status 500', thresholds)).toBe(false);
    expect(n.status).toBe('up');
    expect(n.recordCheck(false, 'status 500', thresholds)).toBe(true);
    expect(n.status).toBe('down');
    expect(n.lastError).toBe('status 500');
    expect(n.lastCheck).toBeInstanceOf(Date);
  });

  it('comes back up only after the healthy threshold of consecutive successes', () => {
    const n = node();
    n.recordCheck(false, 'x', thresholds);
    n.recordCheck(false, 'x', thresholds);
    expect(n.recordCheck(true, null, thresholds)).toBe(false);
    expect(n.recordCheck(false, 'x', thresholds)).toBe(false);
    expect(n.recordCheck(true, null, thresholds)).toBe(false);
    expect(n.recordCheck(true, null, thresholds)).toBe(true);
    expect(n.status).toBe('up');
    expect(n.lastError).toBeNull();
  });

  it('goes down on live-traffic failures, and traffic successes never bring it back', () => {
    const n = node();
    n.recordTrafficFailure('ECONNRESET', thresholds);
    n.recordTrafficSuccess();
    expect(n.recordTrafficFailure('ECONNRESET', thresholds)).toBe(false);
    expect(n.recordTrafficFailure('ECONNRESET', thresholds)).toBe(true);
    n.recordTrafficSuccess();
    expect(n.status).toBe('down');
    expect(n.attemptFailures).toBe(3);
  });

  it('names IPv6 end points with brackets', () => {
    expect(endPointOf('::1', 80)).toBe('[::1]:80');
    expect(endPointOf('example.com', 80)).toBe('example.com:80');
  });
});
