import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { QueryInt } from '../../common/query-int.decorator';
import { INTERRUPTIONS } from '../request-log-entry';

export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** `true`: any reason; `false`: answers that ended normally; or one reason. */
export const INTERRUPTED_FILTERS = ['true', 'false', ...INTERRUPTIONS] as const;
export type InterruptedFilter = (typeof INTERRUPTED_FILTERS)[number];

export const MAX_LOGS_PAGE = 1000;
export const DEFAULT_LOGS_PAGE = 100;

/** Query string of `GET /api/logs/:app`. Every filter is optional; they combine with AND. */
export class RequestLogsQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LOGS_PAGE,
    default: DEFAULT_LOGS_PAGE,
  })
  @QueryInt()
  @IsInt({ message: 'limit must be an integer from 1 to 1000' })
  @Min(1, { message: 'limit must be an integer from 1 to 1000' })
  @Max(MAX_LOGS_PAGE, { message: 'limit must be an integer from 1 to 1000' })
  limit: number = DEFAULT_LOGS_PAGE;

  @ApiPropertyOptional({
    description:
      'The next_cursor of the previous page, to get the entries that come after it (older)',
    minLength: 1,
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ enum: STATUS_CLASSES, description: 'Only responses of this status class' })
  @IsOptional()
  @IsIn(STATUS_CLASSES, { message: `status must be one of ${STATUS_CLASSES.join(', ')}` })
  status?: StatusClass;

  @ApiPropertyOptional({
    example: 'GET',
    description: 'Only this HTTP method (case-insensitive)',
    pattern: '^[A-Za-z]{1,20}$',
  })
  @IsOptional()
  @Matches(/^[A-Za-z]{1,20}$/, { message: 'method must be an HTTP method name such as GET' })
  method?: string;

  @ApiPropertyOptional({
    example: '/api/orders',
    description:
      'Only paths (as the node received them) that start with this text, taken literally',
    pattern: '^/',
    maxLength: 2048,
  })
  @IsOptional()
  @IsString()
  @Matches(/^\//, { message: 'path_prefix must start with /' })
  @MaxLength(2048)
  path_prefix?: string;

  @ApiPropertyOptional({
    enum: INTERRUPTED_FILTERS,
    description:
      'Only answers that did not reach the client whole for this reason (true: for any reason), or (false) only those that did',
  })
  @IsOptional()
  @IsIn(INTERRUPTED_FILTERS, {
    message: `interrupted must be one of ${INTERRUPTED_FILTERS.join(', ')}`,
  })
  interrupted?: InterruptedFilter;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-01-01T10:00:00Z',
    description: 'Only entries at or after this time (ISO 8601)',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-01-01T11:00:00Z',
    description: 'Only entries before this time (ISO 8601)',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;
}
