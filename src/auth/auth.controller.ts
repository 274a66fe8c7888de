import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/error-response.dto';
import { Public } from '../common/public.decorator';
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
  @ApiOperation({ summary: 'Exchange email and password for a JWT' })
  @ApiOkResponse({ type: TokenDto })
  @ApiErrors(400, 401, 429)
  login(@Body() body: CredentialsDto): Promise<TokenDto> {
    return this.auth.login(body.email, body.password);
  }
}
