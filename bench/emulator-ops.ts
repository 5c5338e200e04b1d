/**
 * Section 1a: single-client operation rates on the 1,000- and the 100,000-document collection. The two
 * sizes run in the same rounds, alternating which goes first, so a noisy stretch of the machine lands on
 * both and the 100k/1k ratio stays meaningful even when the absolute rates wander.
 */
import { DOCS_PER_GROUP, type OpsCollection } from './ops-collections';
import { alternate, median, round } from './stats';

export const OPERATIONS = {
  insertOne: 'insertOne',
  updateOne: 'updateOne by _id',
  updateMany: `updateMany by indexed field (${DOCS_PER_GROUP} docs)`,
  find: `find by indexed field (${DOCS_PER_GROUP} docs)`,
} as const;

export type Operation = keyof typeof OPERATIONS;

/** Marks documents inserted by the insertOne rounds, so they are removed before the next measurement. */
const INSERTED_GROUP = -1;

export interface EmulatorOpsOptions {
  /** Unmeasured rounds first: the JIT and the emulator's caches warm up. */
  warmupRounds: number;
  rounds: number;
  opsPerRound: Record<Operation, number>;
}

export interface OperationResult {
  operation: Operation;
  label: string;
  /** Median ops/s per collection size, and each round's figure. */
  bySize: { size: number; medianOpsPerSec: number; roundsOpsPerSec: number[] }[];
  /** Median ops/s on the largest collection divided by that on the smallest. */
  ratioLargeToSmall: number;
}

export interface EmulatorOpsResult {
  rounds: number;
  opsPerRound: Record<Operation, number>;
  operations: OperationResult[];
}

export async function measureEmulatorOps(
  collections: OpsCollection[],
  options: EmulatorOpsOptions,
): Promise<EmulatorOpsResult> {
  const operations = Object.keys(OPERATIONS) as Operation[];
  const samples = new Map<string, number[]>();
  const totalRounds = options.warmupRounds + options.rounds;
  for (let r = 0; r < totalRounds; r += 1) {
    for (const operation of operations) {
      for (const target of alternate(r, collections)) {
        const count = options.opsPerRound[operation];
        const start = performance.now();
        await runOps(operation, target, count, r);
        const opsPerSec = count / ((performance.now() - start) / 1000);
        if (operation === 'insertOne') await target.collection.deleteMany({ group: INSERTED_GROUP });
        if (r < options.warmupRounds) continue;
        const key = `${operation}:${target.size}`;
        samples.set(key, [...(samples.get(key) ?? []), opsPerSec]);
      }
    }
  }
  return {
    rounds: options.rounds,
    opsPerRound: options.opsPerRound,
    operations: operations.map(operation => {
      const bySize = collections.map(({ size }) => {
        const perRound = samples.get(`${operation}:${size}`) ?? [];
        return { size, medianOpsPerSec: round(median(perRound)), roundsOpsPerSec: perRound.map(round) };
      });
      const small = bySize[0].medianOpsPerSec;
      const large = bySize[bySize.length - 1].medianOpsPerSec;
      return { operation, label: OPERATIONS[operation], bySize, ratioLargeToSmall: round(large / small) };
    }),
  };
}

/** One op after the other, each awaited: the rate of a single client, not of a pipeline. */
async function runOps(operation: Operation, target: OpsCollection, count: number, roundIndex: number) {
  const { collection, ids, groups } = target;
  // A different starting point each round, so no round finds the previous one's work already cached.
  const offset = roundIndex * 7919;
  for (let i = 0; i < count; i += 1) {
    const group = (offset + i * 31) % groups;
    switch (operation) {
      case 'insertOne':
        await collection.insertOne({ group: INSERTED_GROUP, name: `inserted ${i}`, counter: 0 });
        break;
      case 'updateOne':
        await collection.updateOne({ _id: ids[(offset + i) % ids.length] }, { $inc: { counter: 1 } });
        break;
      case 'updateMany':
        await collection.updateMany({ group }, { $inc: { counter: 1 } });
        break;
      case 'find':
        await collection.find({ group }).toArray();
        break;
    }
  }
}
