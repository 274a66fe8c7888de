import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/error-response.dto';
import { Public } from '../common/public.decorator';
import { CredentialsDto, UserDescriptionDto } from './dto/credentials.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post()
  @ApiOperation({ summary: 'Register a user' })
  @ApiCreatedResponse({ type: UserDescriptionDto })
  @ApiErrors(400, 409, 413, 429)
  async register(@Body() body: CredentialsDto): Promise<UserDescriptionDto> {
    const user = await this.users.register(body.email, body.password);
    return { status_code: 201, description: user.email };
  }

  @Public()
  @Delete()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Delete a user',
    description:
      'Soft delete: tokens stop working, the apps are removed with their nodes and logs, the email becomes free; the audit trail stays.',
  })
  @ApiOkResponse({ type: UserDescriptionDto })
  @ApiErrors(400, 401, 429)
  async delete(@Body() body: CredentialsDto): Promise<UserDescriptionDto> {
    const user = await this.users.delete(body.email, body.password);
    return { status_code: 200, description: user.email };
  }
}
