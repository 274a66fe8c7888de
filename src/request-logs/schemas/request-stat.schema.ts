import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const REQUEST_STATS_COLLECTION = 'request_stats';

/**
 * Per-minute rollup of an app's requests per node that answered (`node: 'host:port'`) and of those no node
 * answered (`node: '-'`), maintained by RequestLogWriter with `$inc` upserts at flush time; earlier builds
 * also wrote the whole minute under `node: ''`. `h` holds latency bucket counts keyed `le_<bound ms>`
 * (see latency-histogram.ts); `maxMs` is the largest total time seen in the minute.
 */
@Schema({
  collection: REQUEST_STATS_COLLECTION,
  versionKey: false,
  bufferCommands: false,
  autoCreate: true,
  // `errors` is reserved on hydrated documents only; rollups are read lean and written natively.
  suppressReservedKeysWarning: true,
})
export class RequestStat {
  /** rollupId(): app, minute and node. */
  _id: string;

  @Prop({ required: true })
  appId: string;

  @Prop({ type: Date, required: true })
  minute: Date;

  @Prop({ required: true })
  node: string;

  @Prop({ default: 0 })
  requests: number;

  @Prop({ default: 0 })
  errors: number;

  /** Answers that did not reach the client whole; missing in rollups written before it was counted. */
  @Prop({ default: 0 })
  interrupted: number;

  @Prop({ default: 0 })
  maxMs: number;

  @Prop({ type: Object, default: {} })
  h: Record<string, number>;
}

export const RequestStatSchema = SchemaFactory.createForClass(RequestStat);
RequestStatSchema.index({ appId: 1, minute: 1, node: 1 }, { unique: true });
