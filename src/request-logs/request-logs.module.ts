import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MongoRequestLogStore, RequestLogStore } from './request-log-store';
import { RequestLogRetention } from './request-log-retention';
import { RequestLogWriter } from './request-log-writer';
import { RequestLogsService } from './request-logs.service';
import { RequestLogBucket, RequestLogBucketSchema } from './schemas/request-log.schema';
import { RequestStat, RequestStatSchema } from './schemas/request-stat.schema';

/**
 * The request-log pipeline: RequestLogWriter takes finished requests from the proxy and writes them in
 * batches; RequestLogsService pages through them, summarises the per-minute rollups and deletes them with
 * their app; RequestLogRetention expires them after LOG_RETENTION_DAYS.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: RequestLogBucket.name, schema: RequestLogBucketSchema },
      { name: RequestStat.name, schema: RequestStatSchema },
    ]),
  ],
  providers: [
    { provide: RequestLogStore, useClass: MongoRequestLogStore },
    RequestLogWriter,
    RequestLogsService,
    RequestLogRetention,
  ],
  exports: [RequestLogWriter, RequestLogsService, RequestLogRetention],
})
export class RequestLogsModule {}
