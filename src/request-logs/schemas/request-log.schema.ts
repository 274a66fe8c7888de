import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const REQUEST_LOGS_COLLECTION = 'request_logs';

/**
 * One balanced request, as LogBatch encodes it (the schema exists for the indexes and for lean reads). `_id`
 * is given when the entry is recorded, so a batch that is retried after an unacknowledged insert cannot
 * create a second copy. To keep each insert small, what is absent or implied is not stored: `endPoint` and
 * `upstreamTimeMs` when no node answered, and `nodesTried` when it is just `[endPoint]`; the number of
 * attempts is the number of nodes tried.
 */
@Schema({
  collection: REQUEST_LOGS_COLLECTION,
  versionKey: false,
  bufferCommands: false,
  autoCreate: true,
})
export class RequestLog {
  _id: Types.ObjectId;

  @Prop({ type: Date, required: true })
  date: Date;

  @Prop({ required: true })
  appId: string;

  @Prop({ required: true })
  method: string;

  @Prop({ required: true })
  path: string;

  @Prop({ type: String })
  endPoint?: string;

  @Prop({ required: true })
  responseCode: number;

  @Prop({ required: true })
  totalTimeMs: number;

  @Prop({ type: Number })
  upstreamTimeMs?: number;

  @Prop({ required: true })
  requestId: string;

  @Prop({ required: true })
  clientIp: string;

  @Prop({ type: [String], default: undefined })
  nodesTried?: string[];

  @Prop({ required: true })
  bytesIn: number;

  @Prop({ required: true })
  bytesOut: number;
}

export const RequestLogSchema = SchemaFactory.createForClass(RequestLog);
// The page query: one app, newest first, (date, _id) as a total order for the cursor.
RequestLogSchema.index({ appId: 1, date: -1, _id: -1 });
