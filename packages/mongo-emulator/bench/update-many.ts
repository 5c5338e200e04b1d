/**
 * `npm run bench` (this package): the cost of one bulk update per matched document (see
 * measure-bulk-update.ts) on an emulator in this process. Prints the median of several statements (the
 * machine is noisy) in µs per matched document, wall time and CPU time.
 *
 *   npm run bench -- [--docs 10000] [--runs 7]
 */
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { startMongoEmulator } from '../src';
import { measureBulkUpdate } from './measure-bulk-update';

const { values } = parseArgs({ options: { docs: { type: 'string' }, runs: { type: 'string' } } });

async function main(): Promise<void> {
  const emulator = await startMongoEmulator({ port: 0 });
  const client = await new MongoClient(emulator.uri).connect();
  try {
    const result = await measureBulkUpdate(client.db('bench'), {
      docs: Number(values.docs ?? 10_000),
      runs: Number(values.runs ?? 7),
    });
    const sorted = [...result.microsPerDoc].sort((a, b) => a - b);
    process.stdout.write(
      `updateMany + arrayFilters, ${result.docs} matched documents, ${sorted.length} runs: ` +
        `median ${result.medianMicrosPerDoc.toFixed(1)} µs/doc (min ${sorted[0]!.toFixed(1)}, ` +
        `max ${sorted.at(-1)!.toFixed(1)}); CPU median ${result.medianCpuMicrosPerDoc.toFixed(1)} µs/doc\n`,
    );
  } finally {
    await client.close();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
