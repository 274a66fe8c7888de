import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, withAuditActor } from '../audit/audited.decorator';
import { ApiErrors } from '../common/error-response.dto';
import { Public } from '../common/public.decorator';
import { RateLimit } from '../common/rate-limit.decorator';
import { CredentialsDto, UserDescriptionDto } from './dto/credentials.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post()
  @Audited('user.register')
  @RateLimit('registrations')
  @ApiOperation({
    summary: 'Register a user',
    description:
      'Registration attempts are limited per client IP, an IPv6 client counting by its /64 (RATE_LIMIT_REGISTRATIONS).',
  })
  @ApiCreatedResponse({ type: UserDescriptionDto })
  @ApiErrors(400, 409, 413, 429)
  async register(@Body() body: CredentialsDto): Promise<UserDescriptionDto> {
    const user = await this.users.register(body.email, body.password);
    return withAuditActor({ status_code: 201, description: user.email }, user.id);
  }

  @Public()
  @Delete()
  @HttpCode(200)
  @Audited('user.delete')
  @RateLimit('login-failures')
  @ApiOperation({
    summary: 'Delete a user',
    description:
      'Soft delete: tokens stop working, the apps are removed with their nodes and logs, the email becomes free; the audit trail stays. ' +
      'A wrong password counts as a failed login for the login rate limits.',
  })
  @ApiOkResponse({ type: UserDescriptionDto })
  @ApiErrors(400, 401, 413, 429)
  async delete(@Body() body: CredentialsDto): Promise<UserDescriptionDto> {
    const user = await this.users.delete(body.email, body.password);
    return withAuditActor({ status_code: 200, description: user.email }, user.id);
  }
}
