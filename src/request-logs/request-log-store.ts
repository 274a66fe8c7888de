import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { LogBatch } from './log-batch';
import { rollupUpdate, RollupIncrement } from './rollups';
import { RequestLogBucket } from './schemas/request-log.schema';
import { RequestStat } from './schemas/request-stat.schema';

/**
 * Where RequestLogWriter puts batches. Both methods either resolve (everything is stored) or reject (the
 * writer keeps the batch and retries it later), and must not wait for a connection indefinitely.
 */
export abstract class RequestLogStore {
  /** Inserts the batch; documents already stored (same `_id`, from an earlier attempt) count as stored. */
  abstract insertLogs(batch: LogBatch): Promise<void>;

  /** Applies `$inc` upserts to the per-minute rollups. Not idempotent: call once per successful batch. */
  abstract applyRollups(increments: RollupIncrement[]): Promise<void>;
}

@Injectable()
export class MongoRequestLogStore extends RequestLogStore implements OnModuleInit {
  constructor(
    @InjectModel(RequestLogBucket.name) private readonly logs: Model<RequestLogBucket>,
    @InjectModel(RequestStat.name) private readonly stats: Model<RequestStat>,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.logs.createIndexes(), this.stats.createIndexes()]);
  }

  async insertLogs(batch: LogBatch): Promise<void> {
    if (batch.count === 0) return;
    try {
      // Native driver: no hydration, no validation; ordered:false so one bad document does not stop the rest.
      await this.logs.collection.insertMany(await batch.documents(), { ordered: false });
    } catch (error) {
      if (!onlyDuplicatesOf(error, batch.documentCount)) throw error;
    }
  }

  async applyRollups(increments: RollupIncrement[]): Promise<void> {
    const upserts = increments.map((increment) => {
      const { filter, update } = rollupUpdate(increment);
      return { updateOne: { filter, update, upsert: true } };
    });
    let duplicates: number[] | undefined;
    try {
      await this.stats.collection.bulkWrite(upserts, { ordered: false });
      return;
    } catch (error) {
      duplicates = duplicateOperationIndexes(error);
      if (!duplicates) throw error;
    }
    // A duplicate key means the (app, minute, node) has a document already: another gateway inserted it
    // meanwhile, or an earlier build did, with an ObjectId `_id`. Update it where it is.
    const updates = duplicates.map((index) => {
      const { appId, minute, node } = increments[index];
      return {
        updateOne: { filter: { appId, minute, node }, update: upserts[index].updateOne.update },
      };
    });
    await this.stats.collection.bulkWrite(updates, { ordered: false });
  }
}

interface BulkErrorLike {
  code?: unknown;
  writeErrors?: unknown;
  writeConcernError?: unknown;
  insertedCount?: unknown;
  result?: { insertedCount?: unknown };
}

function writeErrorsOf(error: unknown): { code?: unknown; index?: unknown }[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { writeErrors } = error as BulkErrorLike;
  if (Array.isArray(writeErrors)) return writeErrors as { code?: unknown; index?: unknown }[];
  if (writeErrors && typeof writeErrors === 'object') return [writeErrors as { code?: unknown }];
  return undefined;
}

/**
 * True when an insertMany error says every document is stored: those not inserted now failed only on a
 * duplicate key (11000), i.e. an earlier attempt whose acknowledgement was lost had inserted them.
 */
export function onlyDuplicatesOf(error: unknown, documentCount: number): boolean {
  const writeErrors = writeErrorsOf(error);
  if (!writeErrors || writeErrors.length === 0) return false;
  const { writeConcernError, insertedCount, result } = error as BulkErrorLike;
  if (writeConcernError) return false;
  if (!writeErrors.every((e) => e.code === 11000)) return false;
  const inserted = typeof insertedCount === 'number' ? insertedCount : result?.insertedCount;
  return typeof inserted === 'number' && inserted + writeErrors.length === documentCount;
}

/** The indexes of the bulkWrite operations that failed on a duplicate key, when nothing else failed. */
export function duplicateOperationIndexes(error: unknown): number[] | undefined {
  const writeErrors = writeErrorsOf(error);
  if (!writeErrors || writeErrors.length === 0 || (error as BulkErrorLike).writeConcernError)
    return undefined;
  if (!writeErrors.every((e) => e.code === 11000 && typeof e.index === 'number')) return undefined;
  return writeErrors.map((e) => e.index as number);
}
