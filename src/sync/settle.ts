/**
 * Two runs for the same subject can overlap (a change arrives while its job is active, two workers pick
 * both up). Each run writes what it read; the one that read older data may write last. So a run re-reads
 * its sources after writing and writes again for every source that moved: the last run to finish always
 * leaves the newest values, and no lock is held across the database round trips. A batch settles per
 * subject: one read of all its sources per round, and only the subjects that moved are written again.
 */
import { FaultPointNames, reachFaultPoint } from '../testing/fault-points';
import { bsonEqual } from './bson-equal';

export const MAX_SETTLE_ROUNDS = 5;

export class SourceKeptChangingError extends Error {
  override readonly name = 'SourceKeptChangingError';
}

/** Sources by subject key; a key absent from the map is a source that does not exist (deleted). */
export type Sources<Source> = Map<string, Source>;

export interface Settled<Source, Result> {
  /** One result per write round; the first covers every key, later ones only the keys that moved. */
  results: Result[];
  /** The sources as last read, which every written copy now reflects. */
  sources: Sources<Source>;
}

export interface SettleOptions<Result> {
  /** @defaultValue MAX_SETTLE_ROUNDS */
  maxRounds?: number;
  /**
   * The keys a round actually wrote (every key of the round when omitted). Only those are re-read: a
   * subject left alone, its copy already right, cannot have been overwritten with what this run read.
   */
  writtenKeys?: (result: Result, keys: readonly string[]) => readonly string[];
}

export async function writeBatchUntilSettled<Source, Result>(
  keys: readonly string[],
  readSources: (keys: readonly string[]) => Promise<Sources<Source>>,
  write: (sources: Sources<Source>, keys: readonly string[]) => Promise<Result>,
  { maxRounds = MAX_SETTLE_ROUNDS, writtenKeys = (_result, all) => all }: SettleOptions<Result> = {},
): Promise<Settled<Source, Result>> {
  const settled = new Map<string, Source>();
  const results: Result[] = [];
  let pending = keys;
  let sources = await readSources(pending);
  for (let round = 1; ; round += 1) {
    await reachFaultPoint(FaultPointNames.settleBeforeWrite);
    const result = await write(sources, pending);
    results.push(result);
    recordSources(settled, pending, sources);
    pending = writtenKeys(result, pending);
    if (pending.length === 0) return { results, sources: settled };
    const current = await readSources(pending);
    const moved = pending.filter(key => !bsonEqual(current.get(key), sources.get(key)));
    recordSources(settled, pending, current);
    if (moved.length === 0) return { results, sources: settled };
    if (round >= maxRounds) {
      // Retryable: the job's backoff gives a burst of changes time to end.
      throw new SourceKeptChangingError(
        `${moved.length} source(s) changed during each of ${maxRounds} writes`,
      );
    }
    pending = moved;
    sources = new Map(moved.flatMap(key => (current.has(key) ? [[key, current.get(key) as Source]] : [])));
  }
}

/** The sources of `keys` as `read` has them; a key `read` lacks is a deleted source. */
function recordSources<Source>(
  settled: Sources<Source>,
  keys: readonly string[],
  read: Sources<Source>,
): void {
  for (const key of keys) {
    const source = read.get(key);
    if (source !== undefined) settled.set(key, source);
    else settled.delete(key);
  }
}

const ONLY = 'source';

/** The single-subject form: one source, written until it stops moving. */
export async function writeUntilSettled<Source, Result>(
  readSource: () => Promise<Source>,
  write: (source: Source) => Promise<Result>,
): Promise<Result> {
  const { results } = await writeBatchUntilSettled(
    [ONLY],
    async () => new Map([[ONLY, await readSource()]]),
    async sources => write(sources.get(ONLY) as Source),
  );
  return results[results.length - 1];
}
