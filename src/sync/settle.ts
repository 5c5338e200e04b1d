/**
 * Two runs for the same subject can overlap (a change arrives while its job is active, two workers pick
 * both up). Each run writes what it read; the one that read older data may write last. So a run re-reads
 * its source after writing and writes again while the source moved: the last run to finish always leaves
 * the newest values, and no lock is held across the database round trips.
 */
import { bsonEqual } from './bson-equal';

export const MAX_SETTLE_ROUNDS = 5;

export class SourceKeptChangingError extends Error {
  override readonly name = 'SourceKeptChangingError';
}

export async function writeUntilSettled<Source, Result>(
  readSource: () => Promise<Source>,
  write: (source: Source) => Promise<Result>,
  maxRounds = MAX_SETTLE_ROUNDS,
): Promise<Result> {
  let source = await readSource();
  for (let round = 1; ; round += 1) {
    const result = await write(source);
    const current = await readSource();
    if (bsonEqual(current, source)) return result;
    if (round >= maxRounds) {
      // Retryable: the job's backoff gives a burst of changes time to end.
      throw new SourceKeptChangingError(`source changed during each of ${maxRounds} writes`);
    }
    source = current;
  }
}
