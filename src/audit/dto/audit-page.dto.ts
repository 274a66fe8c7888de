import { ApiProperty } from '@nestjs/swagger';
import { ErrorCode } from '../../../libs/gateway-core/src/error-codes';

export class AuditEventDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-28T15:44:12.345Z' })
  date: string;

  @ApiProperty({
    example: 'app.create',
    description:
      'user.register, user.delete, auth.login, app.create, app.update, app.delete, node.add, node.remove, …',
  })
  action: string;

  @ApiProperty({ type: String, nullable: true, description: 'Id of the user who acted' })
  actor: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'my-app',
    description: 'What the action was on: an app name or an email',
  })
  target: string | null;

  @ApiProperty({ enum: ['success', 'failure'] })
  outcome: 'success' | 'failure';

  @ApiProperty({
    enum: Object.values(ErrorCode),
    nullable: true,
    description: 'The error code of a failure; null on success',
  })
  error: ErrorCode | null;

  @ApiProperty({ type: String, nullable: true, description: 'X-Request-Id of the request' })
  request_id: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7', description: 'Client IP' })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'User-Agent, at most 256 characters' })
  user_agent: string | null;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEventDto], description: 'Newest first' })
  events: AuditEventDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last page',
  })
  next_cursor: string | null;
}
