/**
 * `npm run bench` (this package): what one bulk statement costs per matched document, the way user-sync's
 * fan-out writes it: an `updateMany` with `arrayFilters` over orders that share a user, through the real
 * driver and the wire, with a change stream open so every change event is produced too. Prints the median
 * of several runs (the machine is noisy) in µs per matched document: wall time, and the process's CPU time
 * (client and emulator share the process), which another busy process on the machine inflates less.
 *
 *   npm run bench -- [--docs 10000] [--runs 7]
 */
import { parseArgs } from 'node:util';
import { MongoClient, ObjectId } from 'mongodb';
import { startMongoEmulator } from '../src';

const { values } = parseArgs({ options: { docs: { type: 'string' }, runs: { type: 'string' } } });
const DOCS = Number(values.docs ?? 10_000);
const RUNS = Number(values.runs ?? 7);

function userMeta(id: ObjectId, name: string) {
  return { id, name, email: `${name.toLowerCase()}@example.com`, phone: '', image: null };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const emulator = await startMongoEmulator({ port: 0 });
  const client = await new MongoClient(emulator.uri).connect();
  try {
    const orders = client.db('bench').collection('orders');
    await orders.createIndex({ assigned_user_ids: 1 });
    const user = new ObjectId();
    const other = new ObjectId();
    for (let start = 0; start < DOCS; start += 1000) {
      await orders.insertMany(
        Array.from({ length: Math.min(1000, DOCS - start) }, () => ({
          assigned_user_ids: [user, other],
          metadata: { responsible: [userMeta(user, 'Ann'), userMeta(other, 'Bob')] },
        })),
      );
    }
    // A stream consumes every change event, as user-sync's listener would on a watched collection.
    const stream = orders.watch([], { maxAwaitTimeMS: 100 });
    await stream.tryNext();

    const perDoc: number[] = [];
    const cpuPerDoc: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const cpuStarted = process.cpuUsage();
      const started = process.hrtime.bigint();
      const result = await orders.updateMany(
        { assigned_user_ids: user },
        { $set: { 'metadata.responsible.$[member]': userMeta(user, `Ann ${run}`) } },
        { arrayFilters: [{ 'member.id': user }] },
      );
      const micros = Number(process.hrtime.bigint() - started) / 1000;
      if (result.matchedCount !== DOCS) throw new Error(`matched ${result.matchedCount} of ${DOCS}`);
      const cpu = process.cpuUsage(cpuStarted);
      perDoc.push(micros / DOCS);
      cpuPerDoc.push((cpu.user + cpu.system) / DOCS);
    }
    await stream.close();
    const sorted = [...perDoc].sort((a, b) => a - b);
    process.stdout.write(
      `updateMany + arrayFilters, ${DOCS} matched documents, ${RUNS} runs: ` +
        `median ${median(perDoc).toFixed(1)} µs/doc (min ${sorted[0]!.toFixed(1)}, max ${sorted.at(-1)!.toFixed(1)}); ` +
        `CPU median ${median(cpuPerDoc).toFixed(1)} µs/doc\n`,
    );
  } finally {
    await client.close();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
