/**
 * What one bulk statement costs per matched document, the way user-sync's fan-out writes it: an
 * `updateMany` with `arrayFilters` over orders that share a user, through the real driver and the wire,
 * with a change stream open so every change event is produced too. Used by this package's bench and by
 * user-sync's `npm run bench`, against any server the `db` is on.
 */
import { ObjectId, type Db } from 'mongodb';

export interface BulkUpdateOptions {
  /** Documents every statement matches. @defaultValue 10,000 */
  docs?: number;
  /** Statements timed; the figures are their medians. @defaultValue 7 */
  runs?: number;
}

export interface BulkUpdateResult {
  docs: number;
  /** Wall time of each statement, µs per matched document. */
  microsPerDoc: number[];
  /**
   * This process's CPU time per matched document: the client's, and the server's when it runs in this
   * process (the embedded emulator). Another busy process on the machine inflates it less than wall time.
   */
  cpuMicrosPerDoc: number[];
  medianMicrosPerDoc: number;
  medianCpuMicrosPerDoc: number;
}

function userMeta(id: ObjectId, name: string) {
  return { id, name, email: `${name.toLowerCase()}@example.com`, phone: '', image: null };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function measureBulkUpdate(db: Db, options: BulkUpdateOptions = {}): Promise<BulkUpdateResult> {
  const docs = options.docs ?? 10_000;
  const runs = options.runs ?? 7;
  const orders = db.collection('bulk_update_orders');
  await orders.createIndex({ assigned_user_ids: 1 });
  const user = new ObjectId();
  const other = new ObjectId();
  for (let start = 0; start < docs; start += 1000) {
    await orders.insertMany(
      Array.from({ length: Math.min(1000, docs - start) }, () => ({
        assigned_user_ids: [user, other],
        metadata: { responsible: [userMeta(user, 'Ann'), userMeta(other, 'Bob')] },
      })),
    );
  }
  // A stream consumes every change event, as user-sync's listener would on a watched collection.
  const stream = orders.watch([], { maxAwaitTimeMS: 100 });
  try {
    await stream.tryNext();
    const microsPerDoc: number[] = [];
    const cpuMicrosPerDoc: number[] = [];
    // Statement 0 only warms the JIT up, on both sides of the wire.
    for (let run = 0; run <= runs; run++) {
      const cpuStarted = process.cpuUsage();
      const started = process.hrtime.bigint();
      const result = await orders.updateMany(
        { assigned_user_ids: user },
        { $set: { 'metadata.responsible.$[member]': userMeta(user, `Ann ${run}`) } },
        { arrayFilters: [{ 'member.id': user }] },
      );
      const micros = Number(process.hrtime.bigint() - started) / 1000;
      const cpu = process.cpuUsage(cpuStarted);
      if (result.matchedCount !== docs) throw new Error(`matched ${result.matchedCount} of ${docs}`);
      if (run === 0) continue;
      microsPerDoc.push(micros / docs);
      cpuMicrosPerDoc.push((cpu.user + cpu.system) / docs);
    }
    return {
      docs,
      microsPerDoc,
      cpuMicrosPerDoc,
      medianMicrosPerDoc: median(microsPerDoc),
      medianCpuMicrosPerDoc: median(cpuMicrosPerDoc),
    };
  } finally {
    await stream.close();
    await orders.drop();
  }
}
