/**
 * Creates the indexes the sync queries need (declared next to each schema). Explicit rather than mongoose's
 * autoIndex: building an index on a platform collection is a deliberate act at deploy time, not something
 * every worker start should trigger. Idempotent: an index that exists with the same keys is left alone.
 */
import type { SyncModels } from './create-models';

export async function ensureIndexes(models: SyncModels): Promise<void> {
  // One collection after the other: index builds compete for the same server resources.
  for (const model of Object.values(models) as SyncModels[keyof SyncModels][]) {
    await model.createIndexes();
  }
}
