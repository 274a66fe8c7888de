import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export const STATS_WINDOWS = ['5m', '1h', '1d'] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

export const PERCENTILE_DESCRIPTION =
  'Latencies are total times in milliseconds, estimated from a fixed histogram ' +
  '(bucket bounds 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000 ms and above): a ' +
  'percentile is the upper bound of the bucket in which the cumulative count reaches the rank ceil(p × requests), ' +
  'capped at the largest latency seen in the window, so it errs high by at most one bucket. null when there ' +
  'were no requests.';

export class AppStatsQueryDto {
  @ApiPropertyOptional({
    enum: STATS_WINDOWS,
    default: '1h',
    description:
      'The period to summarise: the per-minute rollups of the last 5 minutes, hour or day, the current ' +
      '(partial) minute included. Requests finished in the last LOG_FLUSH_INTERVAL_MS may not be counted yet.',
  })
  @IsOptional()
  @IsIn(STATS_WINDOWS, { message: `window must be one of ${STATS_WINDOWS.join(', ')}` })
  window: StatsWindow = '1h';
}

export class LatencySummaryDto {
  @ApiProperty({ example: 1200, description: 'Balanced requests in the window' })
  requests: number;

  @ApiProperty({
    example: 0.0125,
    description:
      'Share of requests answered 5xx or cut short by the node (interrupted node_failed or node_timeout), ' +
      'or (overall only) given up by the client (499) before any node answered; 0 when no requests',
  })
  error_rate: number;

  @ApiProperty({
    example: 3,
    description:
      'Requests whose answer did not reach the client whole (their log entries have interrupted set), for any reason',
  })
  interrupted: number;

  @ApiProperty({ type: Number, nullable: true, example: 20, description: 'Median latency (ms)' })
  p50_ms: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 200,
    description: '95th percentile latency (ms)',
  })
  p95_ms: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 500,
    description: '99th percentile latency (ms)',
  })
  p99_ms: number | null;
}

export class NodeStatsDto extends LatencySummaryDto {
  @ApiProperty({ example: '10.0.0.5:8080', description: 'The node, as host:port' })
  end_point: string;
}

export class AppStatsDto extends LatencySummaryDto {
  @ApiProperty({ enum: STATS_WINDOWS, example: '1h' })
  window: StatsWindow;

  @ApiProperty({
    type: [NodeStatsDto],
    description: 'The same figures per node that answered requests in the window, by end_point',
  })
  nodes: NodeStatsDto[];
}
