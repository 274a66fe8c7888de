import { TrafficStats } from '../balancer/registry/traffic-stats';
import { PrometheusText } from './prometheus-text';

describe('PrometheusText', () => {
  it('writes help, type, escaped labels and cumulative histogram buckets', () => {
    const stats = new TrafficStats();
    stats.observe(200, 0.5);
    stats.observe(200, 30);
    stats.observe(502, 70_000);
    const text = new PrometheusText()
      .describe('x_total', 'counter', 'Things')
      .sample('x_total', { app: 'a"b\\c' }, 3)
      .describe('d_seconds', 'histogram', 'Durations')
      .histogram('d_seconds', { app: 'a' }, stats)
      .toString();
    expect(text).toContain('# HELP x_total Things\n# TYPE x_total counter\n');
    expect(text).toContain('x_total{app="a\\"b\\\\c"} 3\n');
    expect(text).toContain('d_seconds_bucket{app="a",le="0.001"} 1\n');
    expect(text).toContain('d_seconds_bucket{app="a",le="0.05"} 2\n');
    expect(text).toContain('d_seconds_bucket{app="a",le="60"} 2\n');
    expect(text).toContain('d_seconds_bucket{app="a",le="+Inf"} 3\n');
    expect(text).toContain('d_seconds_count{app="a"} 3\n');
    expect(stats.count).toBe(3);
    expect(stats.byStatus.get(200)).toBe(2);
  });
});
