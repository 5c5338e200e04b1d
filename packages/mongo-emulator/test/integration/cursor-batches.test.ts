/**
 * How cursors end, batch by batch, as mongod ends them: a collection scan or an aggregate finds out it is
 * done only when a read past the end fails, so a last batch that is exactly full leaves the cursor open
 * and one more getMore answers empty with id 0. Drivers count on the id, not the batch size.
 */
import { Long } from 'mongodb';
import type { Db, Document } from 'mongodb';
import { useDriverDatabase } from '../support/driver-database';

let db: Db;
useDriverDatabase(opened => ({ db } = opened));

interface Batch {
  ids: unknown[];
  open: boolean;
}

/** Runs `first`, then getMore with `batchSize` until the server closes the cursor. */
async function batches(collection: string, first: Document, batchSize: number): Promise<Batch[]> {
  let reply = await db.command(first);
  const seen: Batch[] = [];
  for (;;) {
    const cursor = reply.cursor as { id: Long; firstBatch?: Document[]; nextBatch?: Document[] };
    const docs = cursor.firstBatch ?? cursor.nextBatch ?? [];
    const open = !Long.fromValue(cursor.id).isZero();
    seen.push({ ids: docs.map(doc => doc._id), open });
    if (!open || seen.length > 10) return seen;
    reply = await db.command({ getMore: cursor.id, collection, batchSize });
  }
}

beforeAll(async () => {
  await db.collection<{ _id: number }>('six').insertMany([1, 2, 3, 4, 5, 6].map(_id => ({ _id })));
  await db.collection<{ _id: number }>('five').insertMany([1, 2, 3, 4, 5].map(_id => ({ _id })));
});

describe('cursor batches', () => {
  it('find of 6 with batchSize 2: three full batches, then an empty one that closes the cursor', async () => {
    expect(await batches('six', { find: 'six', batchSize: 2 }, 2)).toEqual([
      { ids: [1, 2], open: true },
      { ids: [3, 4], open: true },
      { ids: [5, 6], open: true },
      { ids: [], open: false },
    ]);
  });

  it('find of 5 with batchSize 2: the short last batch closes the cursor', async () => {
    expect(await batches('five', { find: 'five', batchSize: 2 }, 2)).toEqual([
      { ids: [1, 2], open: true },
      { ids: [3, 4], open: true },
      { ids: [5], open: false },
    ]);
  });

  it('aggregate of 6 with batchSize 3: the same, an empty last batch', async () => {
    const first = { aggregate: 'six', pipeline: [{ $match: {} }], cursor: { batchSize: 3 } };
    expect(await batches('six', first, 3)).toEqual([
      { ids: [1, 2, 3], open: true },
      { ids: [4, 5, 6], open: true },
      { ids: [], open: false },
    ]);
  });

  it('a first batch that holds everything (default 101) closes at once', async () => {
    expect(await batches('six', { find: 'six' }, 2)).toEqual([{ ids: [1, 2, 3, 4, 5, 6], open: false }]);
  });
});
