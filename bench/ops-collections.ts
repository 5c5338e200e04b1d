/**
 * The two user-like collections the emulator section measures: 1,000 and 100,000 documents, every `group`
 * value shared by exactly 10 of them (indexed), so "update/find by an indexed field" touches ~10 documents
 * whatever the collection size. Loading the large one is also where the memory figure comes from: the
 * emulator keeps every document in memory.
 */
import { ObjectId, type Collection, type Db, type Document } from 'mongodb';
import { collectGarbage } from './collect-garbage';
import { mib, timed } from './stats';

export const OPS_SIZES = [1_000, 100_000] as const;
export const DOCS_PER_GROUP = 10;
/** How many `_id`s per collection the by-id operations cycle through, spread evenly over the collection. */
const SAMPLE_IDS = 1_000;
const INSERT_BATCH = 1_000;

export interface OpsCollection {
  size: number;
  collection: Collection<Document>;
  /** `_id`s spread over the whole collection, so updates do not all hit its first documents. */
  ids: ObjectId[];
  groups: number;
}

export interface MemoryReport {
  /** Whether the MongoDB server lives in this process (then RSS includes the stored documents). */
  serverInProcess: boolean;
  /** Readings taken after a full garbage collection. */
  rssBeforeMiB: number;
  rssAfterMiB: number;
  heapUsedBeforeMiB: number;
  heapUsedAfterMiB: number;
  /** Load time of the 100,000 documents (insertMany batches of 1,000). */
  loadMs: number;
}

export async function loadOpsCollections(
  db: Db,
  serverInProcess: boolean,
): Promise<{ collections: OpsCollection[]; memory: MemoryReport }> {
  const collections: OpsCollection[] = [];
  let memory: MemoryReport | undefined;
  for (const size of OPS_SIZES) {
    collectGarbage();
    const before = process.memoryUsage();
    const { ms, result: loaded } = await timed(() => load(db.collection(`ops_${size}`), size));
    collectGarbage();
    const after = process.memoryUsage();
    collections.push(loaded);
    if (size === Math.max(...OPS_SIZES)) {
      memory = {
        serverInProcess,
        rssBeforeMiB: mib(before.rss),
        rssAfterMiB: mib(after.rss),
        heapUsedBeforeMiB: mib(before.heapUsed),
        heapUsedAfterMiB: mib(after.heapUsed),
        loadMs: Math.round(ms),
      };
    }
  }
  if (memory === undefined) throw new Error('no collection was loaded');
  return { collections, memory };
}

async function load(collection: Collection<Document>, size: number): Promise<OpsCollection> {
  await collection.createIndex({ group: 1 });
  const groups = Math.floor(size / DOCS_PER_GROUP);
  const every = Math.max(1, Math.floor(size / SAMPLE_IDS));
  const ids: ObjectId[] = [];
  for (let start = 0; start < size; start += INSERT_BATCH) {
    const batch: Document[] = [];
    for (let i = start; i < Math.min(size, start + INSERT_BATCH); i += 1) {
      const doc = userLike(i, groups);
      if (i % every === 0) ids.push(doc._id as ObjectId);
      batch.push(doc);
    }
    await collection.insertMany(batch, { ordered: false });
  }
  return { size, collection, ids, groups };
}

export function userLike(i: number, groups: number): Document {
  return {
    _id: new ObjectId(),
    group: i % groups,
    name: `User ${i}`,
    email: `user${i}@example.com`,
    phone: `+1555${String(i).padStart(7, '0')}`,
    image: `https://img.example.com/${i}.png`,
    counter: 0,
  };
}
