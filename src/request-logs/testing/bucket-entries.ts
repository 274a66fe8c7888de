import { decodeEntry, StoredEntries, StoredEntry, storedLines } from '../stored-entry';

/** Every entry of a stored bucket, in order; throws on a line that is not one. */
export function bucketEntries(bucket: StoredEntries): StoredEntry[] {
  return storedLines(bucket).map((line) => {
    const entry = decodeEntry(line);
    if (!entry) throw new Error(`not a stored entry: ${String(line)}`);
    return entry;
  });
}
