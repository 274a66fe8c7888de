import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { AppRegistry } from '../registry/app-registry';
import type { LiveApp } from '../registry/live-app';
import type { HealthThresholds, LiveNode } from '../registry/live-node';

@Injectable()
export class HealthChecker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HealthChecker.name);
  private readonly inFlight = new Set<LiveNode>();
  private timer: NodeJS.Timeout | undefined;
  readonly thresholds: HealthThresholds;

  constructor(
    private readonly registry: AppRegistry,
    private readonly config: AppConfig,
  ) {
    this.thresholds = {
      unhealthy: config.healthcheckUnhealthyThreshold,
      healthy: config.healthcheckHealthyThreshold,
    };
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.checkAll(), this.config.healthcheckIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  checkAll(): void {
    for (const app of this.registry.all()) {
      for (const node of app.nodes) {
        if (!this.inFlight.has(node)) void this.checkNode(app, node);
      }
    }
  }

  private async checkNode(app: LiveApp, node: LiveNode): Promise<void> {
    this.inFlight.add(node);
    const { ok, error } = await this.probe(node);
    this.inFlight.delete(node);
    if (node.recordCheck(ok, error, this.thresholds)) {
      app.refreshHealthy();
      this.logger.log({ msg: `node ${node.status}`, app: app.name, node: node.id, error });
    }
  }

  private async probe(node: LiveNode): Promise<{ ok: boolean; error: string | null }> {
    const timeout = this.config.healthcheckTimeoutMs;
    try {
      const response = await node.probe.request({
        method: 'GET',
        path: node.statuspath,
        headers: { 'user-agent': 'simple-load-balancer-healthcheck' },
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout),
      });
      await response.body.dump();
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return { ok, error: ok ? null : `status ${response.statusCode} from ${node.statuspath}` };
    } catch (error) {
      return { ok: false, error: describeFailure(error) };
    }
  }
}

export function describeFailure(error: unknown): string {
  const { code, message, name } = error as { code?: string; message?: string; name?: string };
  if (name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return 'timeout';
  }
  return code ? `${code}${message ? `: ${message}` : ''}` : (message ?? 'unknown error');
}
