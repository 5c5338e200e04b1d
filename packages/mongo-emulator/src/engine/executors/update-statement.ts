/**
 * One update statement (or the update half of findAndModify) against a collection view: match,
 * apply, store, and report exact `n`/`nModified`; a no-op update stores and reports nothing.
 * Upserts start from the filter's equality fields, then apply the update with `$setOnInsert`.
 */
import type { ChangeRecord, Document } from '../../types';
import { deepCopy } from '../deep-copy';
import { ensureId } from '../document-id';
import { failedToParse } from '../engine-errors';
import type { UpdateStatement } from '../engine-api';
import type { MatchDetails } from '../query/query-matcher';
import { compileFilter } from '../query/query-matcher';
import type { CollectionView } from '../storage/collection-view';
import { changedPathsOf } from '../storage/index-relevance';
import { applyUpdate } from '../update/apply-update';
import type { UpdateOutcome } from '../update/apply-update';
import { seedFromFilter } from '../update/upsert-seed';
import type { ParsedUpdate } from '../update/update-spec';
import { parseUpdate } from '../update/update-spec';
import { insertRecord, replaceRecord, updateRecord } from './change-records';

export interface UpdateStatementResult {
  n: number;
  nModified: number;
  upsertedId?: unknown;
}

/** Stores the outcome of updating `pre` and returns its change record, or nothing for a no-op. */
export function storeUpdate(
  view: CollectionView,
  idKey: string,
  pre: Document,
  outcome: UpdateOutcome,
): ChangeRecord | undefined {
  if (!outcome.changed) return undefined;
  view.replace(idKey, outcome.doc, outcome.description && changedPathsOf(outcome.description));
  return outcome.operationType === 'replace'
    ? replaceRecord(view, pre, outcome.doc)
    : updateRecord(
        view,
        pre,
        outcome.doc,
        outcome.description ?? { updatedFields: {}, removedFields: [], truncatedArrays: [] },
      );
}

/** Inserts the document an upsert creates and returns it. */
export function upsert(view: CollectionView, filter: Document, parsed: ParsedUpdate, now: Date): Document {
  let doc: Document;
  if (parsed.kind === 'replacement') {
    const seed = seedFromFilter(filter);
    doc = deepCopy(parsed.doc);
    if (!('_id' in doc) && '_id' in seed) doc = { _id: seed._id, ...doc };
  } else {
    doc = applyUpdate(seedFromFilter(filter), parsed, { isUpsert: true, now }).doc;
  }
  doc = ensureId(doc);
  view.insert(doc);
  return doc;
}

/** Pushes a change record to `records` for each write as it happens (a later failure keeps them). */
export function executeUpdate(
  view: CollectionView,
  stmt: UpdateStatement,
  now: Date,
  records: ChangeRecord[],
): UpdateStatementResult {
  const parsed = parseUpdate(stmt.u, stmt.arrayFilters);
  if (parsed.kind === 'replacement' && stmt.multi)
    throw failedToParse('multi update is not supported for replacement-style update');
  const matcher = compileFilter(stmt.q);
  let n = 0;
  let nModified = 0;
  for (const entry of view.candidates(stmt.q)) {
    const details: MatchDetails = {};
    if (!matcher(entry.doc, details)) continue;
    n++;
    const outcome = applyUpdate(entry.doc, parsed, { position: details.position, isUpsert: false, now });
    const record = storeUpdate(view, entry.idKey, entry.doc, outcome);
    if (record) {
      nModified++;
      records.push(record);
    }
    if (!stmt.multi) break;
  }
  if (n > 0 || !stmt.upsert) return { n, nModified };
  const doc = upsert(view, stmt.q, parsed, now);
  records.push(insertRecord(view, doc));
  return { n: 1, nModified: 0, upsertedId: doc._id };
}
