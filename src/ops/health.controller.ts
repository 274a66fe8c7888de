import { Controller, Get, Res } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Connection } from 'mongoose';
import { Public } from '../common/public.decorator';
import { HealthDto } from './health.dto';

const PING_TIMEOUT_MS = 2000;

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  @Public()
  @Get()
  @ApiOperation({
    summary: 'Gateway health: 200 when it can serve and reach MongoDB, 503 otherwise',
  })
  @ApiResponse({ status: 200, type: HealthDto })
  @ApiResponse({ status: 503, type: HealthDto })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthDto> {
    const started = Date.now();
    const database = await this.pingDatabase();
    const up = database === null;
    res.status(up ? 200 : 503);
    return {
      status: up ? 'ok' : 'unavailable',
      checks: {
        database: up
          ? { status: 'up', latency_ms: Date.now() - started }
          : { status: 'down', error: database },
      },
      uptime_s: Math.round(process.uptime()),
    };
  }

  private async pingDatabase(): Promise<string | null> {
    const db = this.connection.db;
    if (this.connection.readyState !== 1 || !db) return 'not connected';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((done) => {
      timer = setTimeout(() => done(`no answer within ${PING_TIMEOUT_MS} ms`), PING_TIMEOUT_MS);
    });
    try {
      return await Promise.race([
        db
          .admin()
          .ping()
          .then(() => null),
        timeout,
      ]);
    } catch (error) {
      return error instanceof Error ? error.message : 'ping failed';
    } finally {
      clearTimeout(timer);
    }
  }
}
