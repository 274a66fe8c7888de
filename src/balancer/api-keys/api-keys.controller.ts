import { Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../../audit/audited.decorator';
import { CurrentUser } from '../../common/current-user.decorator';
import { ApiErrors } from '../../common/error-response.dto';
import type { ActiveUser } from '../../users/users.service';
import { AppNameParams } from '../dto/app-name.dto';
import { DescriptionDto } from '../dto/app-view.dto';
import { ApiKeyListDto, ApiKeyParams, CreatedApiKeyDto } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('apps')
@ApiBearerAuth('bearer')
@Controller('api/apps/:app/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Audited('app.key.create')
  @ApiOperation({
    summary: 'Create an API key for the app',
    description: 'A private app accepts X-API-Key: <key> instead of its owner\'s token; rate limits can key on it.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiErrors(400, 401, 403, 404, 413)
  create(@CurrentUser() user: ActiveUser, @Param() params: AppNameParams): Promise<CreatedApiKeyDto> {
    return this.keys.create(user.id, params.app);
  }

  @Get()
  @ApiOperation({ summary: "List the app's API keys (never the keys themselves)" })
  @ApiOkResponse({ type: ApiKeyListDto })
  @ApiErrors(400, 401, 403, 404)
  async list(@CurrentUser() user: ActiveUser, @Param() params: AppNameParams): Promise<ApiKeyListDto> {
    return { keys: await this.keys.list(user.id, params.app) };
  }

  @Delete(':id')
  @Audited('app.key.revoke')
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiOkResponse({ type: DescriptionDto })
  @ApiErrors(400, 401, 403, 404, 413)
  async revoke(@CurrentUser() user: ActiveUser, @Param() params: ApiKeyParams): Promise<DescriptionDto> {
    await this.keys.revoke(user.id, params.app, params.id);
    return { status_code: 200, description: params.id };
  }
}
