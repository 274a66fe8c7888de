import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, withAuditActor } from '../audit/audited.decorator';
import { ApiErrors } from '../common/error-response.dto';
import { Public } from '../common/public.decorator';
import { RateLimit } from '../common/rate-limit.decorator';
import { CredentialsDto } from '../users/dto/credentials.dto';
import { AuthService } from './auth.service';
import { TokenDto } from './dto/token.dto';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post()
  @HttpCode(200)
  @Audited('auth.login')
  @RateLimit('login-failures')
  @ApiOperation({
    summary: 'Exchange email and password for a JWT',
    description:
      'Failed logins are limited per client IP (an IPv6 client counting by its /64) and email (RATE_LIMIT_LOGIN_FAILURES) and per client IP ' +
      '(RATE_LIMIT_LOGIN_FAILURES_PER_IP); once limited, even the right password gets 429 until the window passes.',
  })
  @ApiOkResponse({ type: TokenDto })
  @ApiErrors(400, 401, 413, 429)
  async login(@Body() body: CredentialsDto): Promise<TokenDto> {
    const { userId, token } = await this.auth.login(body.email, body.password);
    return withAuditActor(token, userId);
  }
}
