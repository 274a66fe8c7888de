import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { QueryInt } from '../../common/query-int.decorator';

const LIMIT_MESSAGE = 'limit must be an integer from 1 to 1000';
const CURSOR_MESSAGE = 'cursor is not a cursor this API returned';
const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

export class AuditQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    default: 100,
    description: 'Events per page',
  })
  @IsOptional()
  @QueryInt()
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(1000, { message: LIMIT_MESSAGE })
  limit: number = 100;

  @ApiPropertyOptional({
    description: 'The next_cursor of the previous page',
    pattern: CURSOR_PATTERN.source,
  })
  @IsOptional()
  @IsString({ message: CURSOR_MESSAGE })
  @Matches(CURSOR_PATTERN, { message: CURSOR_MESSAGE })
  cursor?: string;
}
