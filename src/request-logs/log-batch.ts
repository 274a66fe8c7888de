import { mongo } from 'mongoose';
import { BsonWriter } from './bson-writer';
import { RequestLogEntry } from './request-log-entry';
import { RollupAccumulator } from './rollups';
import { RequestLog } from './schemas/request-log.schema';

/**
 * Request-log entries already encoded as the BSON documents to insert, one after the other, plus what the
 * writer needs without decoding them: each entry's app (to leave out apps deleted meanwhile) and the
 * per-minute rollups of the batch. An entry is encoded when it is recorded and its `_id` is fixed then, so
 * a batch that is sent again after a lost acknowledgement cannot store an entry twice; holding bytes rather
 * than objects keeps buffered entries out of the garbage collector's way.
 */
export class LogBatch {
  private readonly writer: BsonWriter;
  private readonly appIds: string[] = [];
  private readonly ends: number[] = [];

  /** `initial`: the capacity of a new buffer, or a buffer to reuse (from recycle()). */
  constructor(
    initial?: number | Buffer,
    readonly rollups = new RollupAccumulator(),
  ) {
    this.writer = new BsonWriter(initial);
  }

  get count(): number {
    return this.appIds.length;
  }

  get byteLength(): number {
    return this.writer.length;
  }

  /** The batch's buffer, for a later batch to write into; this batch is left empty. */
  recycle(): Buffer {
    this.appIds.length = 0;
    this.ends.length = 0;
    return this.writer.detach();
  }

  /** The documents, back to back: the payload of an OP_MSG document sequence. */
  bytes(): Buffer {
    return this.writer.bytes();
  }

  /**
   * Encodes one entry in the stored shape of RequestLog, with sane values for fields of the wrong type. If
   * reading the entry throws, nothing of it is kept and the error is passed on.
   */
  append(entry: RequestLogEntry): void {
    const start = this.writer.length;
    try {
      const w = this.writer;
      const date = validDate(entry.date);
      const appId = String(entry.appId);
      const endPoint = entry.endPoint ? String(entry.endPoint) : null;
      const responseCode = finite(entry.responseCode);
      const totalTimeMs = finite(entry.totalTimeMs);
      const nodesTried: unknown = entry.nodesTried;
      w.startDocument();
      w.objectId('_id');
      w.date('date', date);
      w.string('appId', appId);
      w.string('method', String(entry.method));
      w.string('path', String(entry.path));
      if (endPoint !== null) w.string('endPoint', endPoint);
      w.number('responseCode', responseCode);
      w.number('totalTimeMs', totalTimeMs);
      if (entry.upstreamTimeMs != null) w.number('upstreamTimeMs', finite(entry.upstreamTimeMs));
      w.string('requestId', String(entry.requestId));
      w.string('clientIp', String(entry.clientIp));
      if (!onlyNode(nodesTried, endPoint)) {
        w.stringArray('nodesTried', Array.isArray(nodesTried) ? nodesTried.map(String) : []);
      }
      w.number('bytesIn', finite(entry.bytesIn));
      w.number('bytesOut', finite(entry.bytesOut));
      w.endDocument();
      this.rollups.add(appId, date, endPoint, responseCode, totalTimeMs);
      this.appIds.push(appId);
      this.ends.push(w.length);
    } catch (error) {
      this.writer.truncate(start);
      throw error;
    }
  }

  /** This batch without the entries of the given apps (itself when it has none of them). */
  without(appIds: ReadonlyMap<string, unknown>): LogBatch {
    if (appIds.size === 0 || !this.appIds.some((appId) => appIds.has(appId))) return this;
    const kept = new LogBatch(this.byteLength, this.rollups);
    const all = this.writer.bytes();
    let start = 0;
    this.appIds.forEach((appId, i) => {
      const end = this.ends[i];
      if (!appIds.has(appId)) {
        kept.writer.raw(all.subarray(start, end));
        kept.appIds.push(appId);
        kept.ends.push(kept.writer.length);
      }
      start = end;
    });
    return kept;
  }

  /** The entries decoded, as stored. */
  documents(): RequestLog[] {
    const all = this.writer.bytes();
    let start = 0;
    return this.ends.map((end) => {
      const document = mongo.BSON.deserialize(all.subarray(start, end)) as RequestLog;
      start = end;
      return document;
    });
  }
}

function onlyNode(nodesTried: unknown, endPoint: string | null): boolean {
  return Array.isArray(nodesTried) && nodesTried.length === 1 && nodesTried[0] === endPoint;
}

function validDate(value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : NaN;
  return Number.isNaN(ms) ? Date.now() : ms;
}

function finite(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
