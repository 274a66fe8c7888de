import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { mongo, Types } from 'mongoose';
import type { Interruption } from '../request-log-entry';

export const REQUEST_LOGS_COLLECTION = 'request_logs';

/**
 * The entries of a bucket are dated within one aligned span of this length, so a bucket's `last` is less
 * than BUCKET_SPAN_MS after its `first`: a page query can bound `last` (the index) by the cursor's date.
 */
export const BUCKET_SPAN_MS = 60_000;

/** The `compression` of a bucket whose `entries` are compressed with Brotli (RFC 7932), as they are written. */
export const BROTLI = 'br';
/** The `compression` of a bucket whose `entries` are compressed with raw DEFLATE (RFC 1951), by earlier builds. */
export const DEFLATE_RAW = 'deflate-raw';

/**
 * The request-log entries of one app from one written batch and one BUCKET_SPAN_MS (the bucket pattern).
 * `entries` is one binary value: each entry's encodeEntry() fields as a JSON array (see stored-entry.ts), in
 * UTF-8, one per line, compressed as `compression` says; `first` and `last` are the oldest and newest entry dates.
 * Storing a batch's entries as one value of one document costs the database a fraction of one document per
 * entry: FerretDB on SQLite spends about 70 µs of CPU per 13-field document, and in buckets of 1000 entries
 * 8 µs per entry as a string of an array, 4.5 µs as a line of one binary value and 1.2–1.5 µs once that value
 * is compressed (about a quarter of the bytes). `_id` is given when the bucket is started, so a batch that is
 * retried after an unacknowledged insert cannot create a second copy.
 */
@Schema({
  collection: REQUEST_LOGS_COLLECTION,
  versionKey: false,
  bufferCommands: false,
  autoCreate: true,
})
export class RequestLogBucket {
  _id: Types.ObjectId;

  @Prop({ required: true })
  appId: string;

  @Prop({ type: Date, required: true })
  first: Date;

  @Prop({ type: Date, required: true })
  last: Date;

  /** The status classes (2 for 2xx…) and methods of its entries, for a page query to skip the bucket. */
  @Prop({ type: [Number], required: true })
  statusClasses: number[];

  @Prop({ type: [String], required: true })
  methods: string[];

  /** The interrupted reasons of its entries; missing in buckets written before entries had them. */
  @Prop({ type: [String], default: undefined })
  interruptions?: Interruption[];

  /** Buckets written by earlier builds hold an array of strings instead (see storedLines()). */
  @Prop({ type: Buffer, required: true })
  entries: mongo.Binary;

  /** BROTLI, or DEFLATE_RAW; missing in buckets of earlier builds, whose binary `entries` are not compressed. */
  @Prop({ type: String, default: undefined })
  compression?: typeof BROTLI | typeof DEFLATE_RAW;
}

export const RequestLogBucketSchema = SchemaFactory.createForClass(RequestLogBucket);
// The page query: one app's buckets, newest entry first.
RequestLogBucketSchema.index({ appId: 1, last: -1, _id: -1 });
