import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/current-user.decorator';
import { ApiErrors } from '../common/error-response.dto';
import {
  AppStatsDto,
  AppStatsQueryDto,
  PERCENTILE_DESCRIPTION,
} from '../request-logs/dto/app-stats.dto';
import { AppRequestLogsDto } from '../request-logs/dto/request-log.dto';
import { RequestLogsQueryDto } from '../request-logs/dto/request-logs-query.dto';
import { RequestLogsService } from '../request-logs/request-logs.service';
import type { ActiveUser } from '../users/users.service';
import { AppsService } from './apps.service';
import { AppNameParams } from './dto/app-name.dto';

@ApiTags('request logs')
@ApiBearerAuth('bearer')
@Controller('api')
export class AppTrafficController {
  constructor(
    private readonly apps: AppsService,
    private readonly requestLogs: RequestLogsService,
  ) {}

  @Get('logs/:app')
  @ApiOperation({
    summary: "Page through an app's request logs, newest first",
    description:
      'Owner only. Filters combine with AND; pass next_cursor as cursor for the next page, until it is null ' +
      '(a page may hold fewer entries than limit, even none, and still have one).',
  })
  @ApiOkResponse({ type: AppRequestLogsDto })
  @ApiErrors(400, 401, 403, 404)
  async logs(
    @CurrentUser() user: ActiveUser,
    @Param() params: AppNameParams,
    @Query() query: RequestLogsQueryDto,
  ): Promise<AppRequestLogsDto> {
    const app = await this.apps.owned(user.id, params.app);
    return { app_name: app.name, ...(await this.requestLogs.page(app.id, query)) };
  }

  @Get('apps/:app/stats')
  @ApiOperation({
    summary: 'Requests, error rate and latency percentiles per node and overall',
    description: `Owner only. Computed from per-minute rollups, never from raw logs. ${PERCENTILE_DESCRIPTION}`,
  })
  @ApiOkResponse({ type: AppStatsDto })
  @ApiErrors(400, 401, 403, 404)
  async stats(
    @CurrentUser() user: ActiveUser,
    @Param() params: AppNameParams,
    @Query() query: AppStatsQueryDto,
  ): Promise<AppStatsDto> {
    const app = await this.apps.owned(user.id, params.app);
    return this.requestLogs.stats(app.id, query.window);
  }
}
