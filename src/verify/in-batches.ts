import type { FindCursor, Document } from 'mongodb';

export const AUDIT_BATCH_SIZE = 1000;

/**
 * Drains a cursor in fixed-size batches, so each batch costs one lookup query, not one per document. The
 * next batch is read while the caller audits this one: the audit's lookups and the cursor's getMore then
 * overlap, instead of the server and this process each waiting for the other in turn. At most two batches
 * are held.
 */
export async function* inBatches<T extends Document>(
  cursor: FindCursor<T>,
  size = AUDIT_BATCH_SIZE,
): AsyncGenerator<T[]> {
  // Replies of one batch: a server that fills 16 MiB replies would have tens of thousands parsed at once.
  cursor.batchSize(size);
  const documents = cursor[Symbol.asyncIterator]();
  const readBatch = async (): Promise<T[]> => {
    const batch: T[] = [];
    while (batch.length < size) {
      const next = await documents.next();
      if (next.done === true) break;
      batch.push(next.value);
    }
    return batch;
  };
  let pending = readBatch();
  try {
    for (;;) {
      const batch = await pending;
      if (batch.length === 0) return;
      pending = batch.length < size ? Promise.resolve([]) : readBatch();
      // A caller that stops early never awaits the read ahead: its failure must not go unhandled.
      pending.catch(() => undefined);
      yield batch;
    }
  } finally {
    await pending.catch(() => undefined);
    await cursor.close();
  }
}
