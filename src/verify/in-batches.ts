import type { FindCursor, Document } from 'mongodb';

export const AUDIT_BATCH_SIZE = 1000;

/** Drains a cursor in fixed-size batches, so each batch costs one lookup query, not one per document. */
export async function* inBatches<T extends Document>(
  cursor: FindCursor<T>,
  size = AUDIT_BATCH_SIZE,
): AsyncGenerator<T[]> {
  // Replies of one batch: a server that fills 16 MiB replies would have tens of thousands parsed at once.
  cursor.batchSize(size);
  let batch: T[] = [];
  for await (const document of cursor) {
    batch.push(document);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
