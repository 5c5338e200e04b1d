/**
 * aggregate: runs the pipeline with mingo on the mingo view of the documents, with the emulator's own
 * $match/$sort/$lookup (aggregation-stages.ts). A leading `$match` is answered by the planner first,
 * so an aggregation on an indexed equality does not scan the collection. Output is converted back to
 * BSON values; documents that still carry a source `_id` keep the stored types of unchanged fields.
 */
import { Aggregator } from 'mingo';
import type { Document } from '../../types';
import { isPlainObject } from '../bson-types';
import { asCommandError, badValue } from '../engine-errors';
import { indexKey } from '../index-key';
import { fromMingo, toMingo } from '../mingo-values';
import type { CollectionView } from '../storage/collection-view';
import type { CollectionResolver } from './aggregation-stages';
import { createStageContext, rewritePipeline } from './aggregation-stages';
import { matchEntries } from './read-queries';

const UNSUPPORTED = new Set([
  '$out',
  '$merge',
  '$changeStream',
  '$currentOp',
  '$collStats',
  '$indexStats',
  '$listSessions',
  '$planCacheStats',
  '$search',
]);

function validate(pipeline: Document[]): void {
  if (!Array.isArray(pipeline)) throw badValue("'pipeline' option must be specified as an array");
  for (const stage of pipeline) {
    const keys = isPlainObject(stage) ? Object.keys(stage) : [];
    if (keys.length !== 1)
      throw badValue('A pipeline stage specification object must contain exactly one field.');
    if (UNSUPPORTED.has(keys[0])) throw badValue(`${keys[0]} is not supported by the emulator`);
  }
}

/**
 * @param view - the collection aggregated, or null for a database-level `aggregate: 1`.
 * @param resolve - other collections of the database, for `$lookup`.
 */
export function runAggregation(
  view: CollectionView | null,
  pipeline: Document[],
  resolve: CollectionResolver,
): Document[] {
  validate(pipeline);
  let stages = pipeline;
  let source: Document[] = [];
  if (view) {
    const first = stages[0];
    const leadingMatch = first && isPlainObject(first.$match) ? (first.$match as Document) : undefined;
    source = leadingMatch
      ? matchEntries(view, leadingMatch).map(m => m.entry.doc)
      : view.candidates(undefined).map(e => e.doc);
    if (leadingMatch) stages = stages.slice(1);
  }
  const originals = new Map<string, Document>();
  for (const doc of source) originals.set(indexKey(doc._id), doc);
  try {
    const aggregator = new Aggregator(rewritePipeline(toMingo(stages) as Document[]), {
      context: createStageContext(resolve),
      scriptEnabled: false,
      collectionResolver: resolve,
    });
    const out = aggregator.run(source.map(d => toMingo(d) as Document));
    return out.map(doc => {
      const original = '_id' in doc ? originals.get(indexKey(doc._id)) : undefined;
      return fromMingo(doc, original) as Document;
    });
  } catch (e) {
    throw asCommandError(e);
  }
}
