import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { STRATEGY_NAMES, StrategyName } from '../../../libs/gateway-core/src/strategies';
import { IsOptionalNonNull } from '../../common/is-optional-non-null.decorator';
import { RejectsUnknownFields } from '../../common/rejects-unknown-fields.decorator';
import {
  HASH_KEY_PATTERN as HASH_KEY,
  RATE_LIMIT_KEY_PATTERN as RATE_LIMIT_KEY,
} from '../app-settings';

const TIMEOUT_MESSAGE = 'must be an integer from 1 to 600000 (milliseconds)';

export class RateLimitDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 100 })
  @IsInt()
  @Min(1)
  limit: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 86400000, example: 60000 })
  @IsInt()
  @Min(1)
  @Max(86400000)
  window_ms: number;

  @ApiProperty({
    example: 'ip',
    description: '"ip", "api_key" or "header:<name>"',
    pattern: RATE_LIMIT_KEY.source,
  })
  @Matches(RATE_LIMIT_KEY, { message: 'rate_limit.key must be "ip", "api_key" or "header:<name>"' })
  key: string;
}

export class SettingsDto {
  @ApiProperty({ enum: STRATEGY_NAMES })
  strategy: StrategyName;

  @ApiProperty({
    example: 'ip',
    description: '"ip" or "header:<name>", used by consistent-hash',
    pattern: HASH_KEY.source,
  })
  hash_key: string;

  @ApiProperty({ type: 'integer', example: 2000 })
  connect_timeout_ms: number;

  @ApiProperty({
    type: 'integer',
    example: 60000,
    description: 'Time allowed for the whole answer, retries included',
  })
  timeout_ms: number;

  @ApiProperty({ type: 'integer', example: 1, description: 'Extra attempts on other nodes' })
  retries: number;

  @ApiProperty({ example: false })
  private: boolean;

  @ApiProperty({ type: RateLimitDto, nullable: true })
  rate_limit: RateLimitDto | null;
}

@RejectsUnknownFields()
export class SettingsPatchDto {
  @ApiPropertyOptional({ enum: STRATEGY_NAMES })
  @IsOptionalNonNull()
  @IsIn(STRATEGY_NAMES, { message: `strategy must be one of ${STRATEGY_NAMES.join(', ')}` })
  strategy?: StrategyName;

  @ApiPropertyOptional({ example: 'header:X-User-Id', pattern: HASH_KEY.source })
  @IsOptionalNonNull()
  @Matches(HASH_KEY, { message: 'hash_key must be "ip" or "header:<name>"' })
  hash_key?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 600000 })
  @IsOptionalNonNull()
  @IsInt({ message: `connect_timeout_ms ${TIMEOUT_MESSAGE}` })
  @Min(1, { message: `connect_timeout_ms ${TIMEOUT_MESSAGE}` })
  @Max(600000, { message: `connect_timeout_ms ${TIMEOUT_MESSAGE}` })
  connect_timeout_ms?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 600000 })
  @IsOptionalNonNull()
  @IsInt({ message: `timeout_ms ${TIMEOUT_MESSAGE}` })
  @Min(1, { message: `timeout_ms ${TIMEOUT_MESSAGE}` })
  @Max(600000, { message: `timeout_ms ${TIMEOUT_MESSAGE}` })
  timeout_ms?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 5 })
  @IsOptionalNonNull()
  @IsInt({ message: 'retries must be an integer from 0 to 5' })
  @Min(0, { message: 'retries must be an integer from 0 to 5' })
  @Max(5, { message: 'retries must be an integer from 0 to 5' })
  retries?: number;

  @ApiPropertyOptional()
  @IsOptionalNonNull()
  @IsBoolean({ message: 'private must be a boolean' })
  private?: boolean;

  @ApiPropertyOptional({ type: RateLimitDto, nullable: true })
  @ValidateIf(
    (patch: SettingsPatchDto) => patch.rate_limit !== null && patch.rate_limit !== undefined,
  )
  @IsObject({ message: 'rate_limit must be null or an object { limit, window_ms, key }' })
  @ValidateNested()
  @Type(() => RateLimitDto)
  rate_limit?: RateLimitDto | null;
}
