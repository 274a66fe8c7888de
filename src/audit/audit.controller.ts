import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/error-response.dto';
import { ActiveUser } from '../users/users.service';
import { AuditPageDto } from './dto/audit-page.dto';
import { AuditQueryDto } from './dto/audit-query.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth('bearer')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: "The caller's own audit events, newest first",
    description:
      'Management actions (register, login success and failure, delete user, app and node changes) ' +
      'done as the caller. Follow next_cursor until it is null to read them all.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiErrors(400, 401)
  list(@Query() query: AuditQueryDto, @Req() req: { user: ActiveUser }): Promise<AuditPageDto> {
    return this.audit.listForActor(req.user.id, query.limit, query.cursor);
  }
}
