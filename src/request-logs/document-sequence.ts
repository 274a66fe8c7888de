import { createRequire } from 'node:module';

/** The MongoDB driver's OP_MSG document sequence (kind-1 section): documents sent as BSON bytes as they are. */
export interface DocumentSequence {
  push(document: object, bson: Uint8Array): number;
}

export type DocumentSequenceClass = new (field: string) => DocumentSequence;

/** Injection token of the DocumentSequence class, or null to insert decoded documents instead. */
export const DOCUMENT_SEQUENCE_CLASS = Symbol('DOCUMENT_SEQUENCE_CLASS');

/**
 * The driver's DocumentSequence class, from the copy of the driver Mongoose uses (the driver recognises the
 * type with `instanceof`), or null when that driver has no such class in that place. The class is internal
 * to the driver, so callers must keep a path that works without it.
 */
export function findDocumentSequenceClass(): DocumentSequenceClass | null {
  try {
    const requireAsMongoose = createRequire(require.resolve('mongoose'));
    const { DocumentSequence } = requireAsMongoose('mongodb/lib/cmap/commands') as {
      DocumentSequence?: unknown;
    };
    if (typeof DocumentSequence !== 'function') return null;
    const prototype = (DocumentSequence as { prototype?: Record<string, unknown> }).prototype;
    if (typeof prototype?.push !== 'function' || typeof prototype.toBin !== 'function') return null;
    return DocumentSequence as DocumentSequenceClass;
  } catch {
    return null;
  }
}
