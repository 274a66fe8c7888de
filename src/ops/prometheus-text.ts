import { LATENCY_BUCKETS_SECONDS, TrafficStats } from '../balancer/registry/traffic-stats';

export type Labels = Record<string, string>;

export class PrometheusText {
  private readonly lines: string[] = [];
  private readonly described = new Set<string>();

  describe(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): this {
    if (this.described.has(name)) return this;
    this.described.add(name);
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, labels: Labels, value: number): this {
    this.lines.push(`${name}${formatLabels(labels)} ${value}`);
    return this;
  }

  histogram(name: string, labels: Labels, stats: TrafficStats): this {
    let cumulative = 0;
    LATENCY_BUCKETS_SECONDS.forEach((bound, index) => {
      cumulative += stats.bucketCounts[index];
      this.sample(`${name}_bucket`, { ...labels, le: String(bound) }, cumulative);
    });
    const count = cumulative + stats.bucketCounts[LATENCY_BUCKETS_SECONDS.length];
    this.sample(`${name}_bucket`, { ...labels, le: '+Inf' }, count);
    this.sample(`${name}_sum`, labels, Number(stats.latencySumSeconds.toFixed(6)));
    return this.sample(`${name}_count`, labels, count);
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
