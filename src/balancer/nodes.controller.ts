import { Body, Controller, Delete, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Audited } from '../audit/audited.decorator';
import { CurrentUser } from '../common/current-user.decorator';
import { ApiErrors } from '../common/error-response.dto';
import type { ActiveUser } from '../users/users.service';
import { AppsService } from './apps.service';
import { AppNameParams } from './dto/app-name.dto';
import { DescriptionDto } from './dto/app-view.dto';
import { NodeAddressDto, NodeDto } from './dto/node.dto';

@ApiTags('nodes')
@ApiBearerAuth('bearer')
@Controller('api/nodes')
export class NodesController {
  constructor(private readonly apps: AppsService) {}

  @Post(':app')
  @Audited('node.add', nodeTarget)
  @ApiOperation({
    summary: 'Register a node (creates the app if needed)',
    description: 'Registering a node that is already there answers 200 and updates its statuspath and weight.',
  })
  @ApiCreatedResponse({ type: DescriptionDto, description: 'The node was added' })
  @ApiOkResponse({ type: DescriptionDto, description: 'The node was already registered; updated' })
  @ApiErrors(400, 401, 403, 413)
  async add(
    @CurrentUser() user: ActiveUser,
    @Param() params: AppNameParams,
    @Body() node: NodeDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DescriptionDto> {
    const { created, endPoint } = await this.apps.addNode(user.id, params.app, node);
    const status = created ? 201 : 200;
    res.status(status);
    return { status_code: status, description: endPoint };
  }

  @Delete(':app')
  @Audited('node.remove', nodeTarget)
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove a node' })
  @ApiOkResponse({ type: DescriptionDto })
  @ApiErrors(400, 401, 403, 404, 413)
  async remove(
    @CurrentUser() user: ActiveUser,
    @Param() params: AppNameParams,
    @Body() node: NodeAddressDto,
  ): Promise<DescriptionDto> {
    const endPoint = await this.apps.removeNode(user.id, params.app, node);
    return { status_code: 200, description: endPoint };
  }
}

function nodeTarget(req: Request): string {
  const body = (req.body ?? {}) as { host?: unknown; port?: unknown };
  return `${req.params.app}/${String(body.host)}:${String(body.port)}`;
}
