import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { CurrentUser } from '../common/current-user.decorator';
import { ApiErrors } from '../common/error-response.dto';
import type { ActiveUser } from '../users/users.service';
import { AppsService } from './apps.service';
import { AppNameParams } from './dto/app-name.dto';
import { AppListDto, AppViewDto, DescriptionDto } from './dto/app-view.dto';
import { NodeDto } from './dto/node.dto';
import { SettingsPatchDto } from './dto/settings.dto';

@ApiTags('apps')
@ApiBearerAuth('bearer')
@Controller('api/apps')
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Get()
  @ApiOperation({ summary: "List the caller's apps" })
  @ApiOkResponse({ type: AppListDto })
  @ApiErrors(401)
  async list(@CurrentUser() user: ActiveUser): Promise<AppListDto> {
    return { apps: await this.apps.list(user.id) };
  }

  @Post(':app')
  @Audited('app.create')
  @ApiOperation({ summary: 'Create an app with its first node' })
  @ApiCreatedResponse({ type: DescriptionDto })
  @ApiErrors(400, 401, 409, 413)
  async create(
    @CurrentUser() user: ActiveUser,
    @Param() params: AppNameParams,
    @Body() node: NodeDto,
  ): Promise<DescriptionDto> {
    await this.apps.create(user.id, params.app, node);
    return { status_code: 201, description: params.app };
  }

  @Get(':app')
  @ApiOperation({ summary: 'An app: settings and nodes with their health' })
  @ApiOkResponse({ type: AppViewDto })
  @ApiErrors(400, 401, 403, 404)
  view(@CurrentUser() user: ActiveUser, @Param() params: AppNameParams): Promise<AppViewDto> {
    return this.apps.view(user.id, params.app);
  }

  @Patch(':app')
  @Audited('app.update')
  @ApiOperation({
    summary: "Change any subset of an app's settings",
    description:
      'The body holds the settings to change, as in `settings` of the app. A value out of range or a field that is not a setting is refused with 400 "01", and nothing changes.',
  })
  @ApiOkResponse({ type: AppViewDto })
  @ApiErrors(400, 401, 403, 404, 413)
  update(
    @CurrentUser() user: ActiveUser,
    @Param() params: AppNameParams,
    @Body() patch: SettingsPatchDto,
  ): Promise<AppViewDto> {
    return this.apps.updateSettings(user.id, params.app, patch);
  }

  @Delete(':app')
  @Audited('app.delete')
  @ApiOperation({ summary: 'Delete an app with its nodes and request logs' })
  @ApiOkResponse({ type: DescriptionDto })
  @ApiErrors(400, 401, 403, 404, 413)
  async remove(
    @CurrentUser() user: ActiveUser,
    @Param() params: AppNameParams,
  ): Promise<DescriptionDto> {
    await this.apps.remove(user.id, params.app);
    return { status_code: 200, description: params.app };
  }
}
