/**
 * Section 1b: how long after a write starts its change event reaches an open `watch()` stream. One write
 * at a time, each waiting for its own event, so the figure is the latency of one change, not the depth
 * of a backlog. Streams are opened (first `tryNext()` answered) before any write, as the listener does.
 */
import type { ChangeStream, ChangeStreamDocument, Document } from 'mongodb';
import type { OpsCollection } from './ops-collections';
import { alternate, percentile, round } from './stats';

export interface ChangeLatencyOptions {
  warmupWrites: number;
  rounds: number;
  writesPerRound: number;
}

export interface ChangeLatencyResult {
  writesPerSize: number;
  bySize: { size: number; p50Ms: number; p99Ms: number; maxMs: number }[];
}

type Stream = ChangeStream<Document, ChangeStreamDocument<Document>>;

export async function measureChangeLatency(
  collections: OpsCollection[],
  options: ChangeLatencyOptions,
): Promise<ChangeLatencyResult> {
  const streams = new Map<number, Stream>();
  try {
    for (const target of collections) {
      const stream = target.collection.watch([{ $match: { operationType: 'update' } }]);
      streams.set(target.size, stream);
      await stream.tryNext();
    }
    const latencies = new Map<number, number[]>(collections.map(c => [c.size, []]));
    let seq = 0;
    for (const target of collections) {
      for (let i = 0; i < options.warmupWrites; i += 1)
        await oneWrite(target, streamOf(streams, target), seq++);
    }
    for (let r = 0; r < options.rounds; r += 1) {
      for (const target of alternate(r, collections)) {
        const stream = streamOf(streams, target);
        const sample = latencies.get(target.size) ?? [];
        for (let i = 0; i < options.writesPerRound; i += 1)
          sample.push(await oneWrite(target, stream, seq++));
      }
    }
    return {
      writesPerSize: options.rounds * options.writesPerRound,
      bySize: collections.map(({ size }) => {
        const sample = latencies.get(size) ?? [];
        return {
          size,
          p50Ms: round(percentile(sample, 50)),
          p99Ms: round(percentile(sample, 99)),
          maxMs: round(percentile(sample, 100)),
        };
      }),
    };
  } finally {
    await Promise.allSettled([...streams.values()].map(stream => stream.close()));
  }
}

function streamOf(streams: Map<number, Stream>, target: OpsCollection): Stream {
  const stream = streams.get(target.size);
  if (stream === undefined) throw new Error(`no change stream for the ${target.size}-document collection`);
  return stream;
}

/** Milliseconds from just before updateOne is called to the arrival of that update's event. */
async function oneWrite(target: OpsCollection, stream: Stream, seq: number): Promise<number> {
  const start = performance.now();
  const write = target.collection.updateOne({ _id: target.ids[seq % target.ids.length] }, { $set: { seq } });
  const delivered = (async () => {
    for (;;) {
      const event = await stream.next();
      if (event.operationType === 'update' && event.updateDescription.updatedFields?.seq === seq) {
        return performance.now() - start;
      }
    }
  })();
  const [ms] = await Promise.all([delivered, write]);
  return ms;
}
