import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class DatabaseCheckDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status: 'up' | 'down';

  @ApiPropertyOptional()
  latency_ms?: number;

  @ApiPropertyOptional()
  error?: string;
}

export class HealthChecksDto {
  @ApiProperty({ type: DatabaseCheckDto })
  database: DatabaseCheckDto;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'unavailable'] })
  status: 'ok' | 'unavailable';

  @ApiProperty({ type: HealthChecksDto })
  checks: HealthChecksDto;

  @ApiProperty()
  uptime_s: number;
}
