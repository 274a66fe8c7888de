import { Model } from 'mongoose';
import { RequestLogBucket } from '../../src/request-logs/schemas/request-log.schema';
import { StoredEntry } from '../../src/request-logs/stored-entry';
import { bucketEntries } from '../../src/request-logs/testing/bucket-entries';

/** Every entry stored for an app, decoded from its buckets, in no particular order. */
export async function storedEntries(
  logs: Model<RequestLogBucket>,
  appId: string,
): Promise<StoredEntry[]> {
  const buckets = await logs.find({ appId, entries: { $exists: true } }).lean();
  return buckets.flatMap(bucketEntries);
}

export async function storedEntryCount(
  logs: Model<RequestLogBucket>,
  appId: string,
): Promise<number> {
  return (await storedEntries(logs, appId)).length;
}
