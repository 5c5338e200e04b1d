/**
 * findAndModify: the first document by `sort` is removed or updated (or upserted), and its pre- or
 * post-image returned through `fields`.
 */
import type { ChangeRecord, Document } from '../../types';
import type { FindAndModifyResult, FindAndModifySpec } from '../engine-api';
import { failedToParse } from '../engine-errors';
import { compileProjection } from '../query/projection';
import type { CollectionView } from '../storage/collection-view';
import { applyUpdate } from '../update/apply-update';
import { parseUpdate } from '../update/update-spec';
import { deleteRecord, insertRecord } from './change-records';
import { matchEntries } from './read-queries';
import { storeUpdate, upsert } from './update-statement';

function validate(spec: FindAndModifySpec): void {
  if (spec.remove && spec.update !== undefined)
    throw failedToParse('Cannot specify both an update and remove=true');
  if (!spec.remove && spec.update === undefined)
    throw failedToParse('Either an update or remove=true must be specified');
  if (spec.remove && spec.upsert) throw failedToParse('Cannot specify both upsert=true and remove=true ');
  if (spec.remove && spec.new)
    throw failedToParse(
      "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
    );
}

export function executeFindAndModify(
  view: CollectionView,
  spec: FindAndModifySpec,
  now: Date,
  records: ChangeRecord[],
): FindAndModifyResult {
  validate(spec);
  const projection = compileProjection(spec.fields);
  const [match] = matchEntries(view, spec.query, spec.sort, 1);
  const project = (doc: Document | undefined): Document | null =>
    doc ? projection.apply(doc, match?.position) : null;
  if (spec.remove) {
    if (!match) return { value: null, lastErrorObject: { n: 0 } };
    view.remove(match.entry.idKey);
    records.push(deleteRecord(view, match.entry.doc));
    return { value: project(match.entry.doc), lastErrorObject: { n: 1 } };
  }
  const parsed = parseUpdate(spec.update as Document | Document[], spec.arrayFilters);
  if (match) {
    const pre = match.entry.doc;
    const outcome = applyUpdate(pre, parsed, { position: match.position, isUpsert: false, now });
    const record = storeUpdate(view, match.entry.idKey, pre, outcome);
    if (record) records.push(record);
    return { value: project(spec.new ? outcome.doc : pre), lastErrorObject: { n: 1, updatedExisting: true } };
  }
  if (!spec.upsert) return { value: null, lastErrorObject: { n: 0, updatedExisting: false } };
  const doc = upsert(view, spec.query ?? {}, parsed, now);
  records.push(insertRecord(view, doc));
  return {
    value: spec.new ? project(doc) : null,
    lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
  };
}
