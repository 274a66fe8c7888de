import type { Pool } from 'undici';
import type { BalancedNode } from '../../../libs/gateway-core/src/strategies';
import { TrafficStats } from './traffic-stats';

export interface HealthThresholds {
  unhealthy: number;
  healthy: number;
}

export class LiveNode implements BalancedNode {
  readonly id: string;
  activeRequests = 0;
  readonly traffic = new TrafficStats();
  attemptFailures = 0;
  status: 'up' | 'down' = 'up';
  lastCheck: Date | null = null;
  lastError: string | null = null;
  private failures = 0;
  private successes = 0;

  constructor(
    readonly host: string,
    readonly port: number,
    public statuspath: string,
    public weight: number,
    public pool: Pool,
    readonly probe: Pool,
  ) {
    this.id = endPointOf(host, port);
  }

  recordCheck(ok: boolean, error: string | null, thresholds: HealthThresholds): boolean {
    this.lastCheck = new Date();
    this.lastError = error;
    if (ok) {
      this.failures = 0;
      this.successes++;
      return this.status === 'down' && this.successes >= thresholds.healthy && this.setStatus('up');
    }
    this.successes = 0;
    this.failures++;
    return this.status === 'up' && this.failures >= thresholds.unhealthy && this.setStatus('down');
  }

  recordTrafficFailure(error: string, thresholds: HealthThresholds): boolean {
    this.attemptFailures++;
    this.lastError = error;
    this.successes = 0;
    this.failures++;
    return this.status === 'up' && this.failures >= thresholds.unhealthy && this.setStatus('down');
  }

  recordTrafficSuccess(): void {
    if (this.status === 'up') this.failures = 0;
  }

  private setStatus(status: 'up' | 'down'): true {
    this.status = status;
    return true;
  }
}

export function endPointOf(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
