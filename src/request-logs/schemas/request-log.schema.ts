import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const REQUEST_LOGS_COLLECTION = 'request_logs';

/**
 * One balanced request. Written in batches by RequestLogWriter through the native driver (no hydration);
 * the schema exists for the indexes and for lean reads. `_id` is assigned by the writer when the entry is
 * first put in a batch, so a batch that is retried after an unacknowledged insert cannot create a second copy.
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

  @Prop({ type: String, default: null })
  endPoint: string | null;

  @Prop({ required: true })
  responseCode: number;

  @Prop({ required: true })
  totalTimeMs: number;

  @Prop({ type: Number, default: null })
  upstreamTimeMs: number | null;

  @Prop({ required: true })
  requestId: string;

  @Prop({ required: true })
  clientIp: string;

  @Prop({ required: true })
  attempts: number;

  @Prop({ type: [String], default: [] })
  nodesTried: string[];

  @Prop({ required: true })
  bytesIn: number;

  @Prop({ required: true })
  bytesOut: number;
}

export const RequestLogSchema = SchemaFactory.createForClass(RequestLog);
// The page query: one app, newest first, (date, _id) as a total order for the cursor.
RequestLogSchema.index({ appId: 1, date: -1, _id: -1 });
// Look-up by request id (X-Request-Id). Not unique: clients may send their own request ids and reuse them.
RequestLogSchema.index({ requestId: 1 });
