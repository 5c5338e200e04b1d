/**
 * find, count and distinct over a collection view. Results are fresh copies; candidates come from
 * the planner, so an equality on `_id` or an indexed field touches only matching documents.
 */
import type { Document } from '../../types';
import { bsonTypeOf, numberArg } from '../bson-types';
import { deepCopy } from '../deep-copy';
import type { FindSpec } from '../engine-api';
import { badValue } from '../engine-errors';
import { pathValues, splitPath } from '../field-path';
import { indexKey } from '../index-key';
import { compileProjection } from '../query/projection';
import type { MatchDetails } from '../query/query-matcher';
import { compileFilter } from '../query/query-matcher';
import { parseSort, sortDocuments } from '../query/sort-documents';
import type { StoredEntry } from '../storage/collection';
import type { CollectionView } from '../storage/collection-view';
import { compareValues } from '../value-compare';

export interface Match {
  entry: StoredEntry;
  position?: number;
}

function nonNegative(v: number | undefined, what: string): number {
  const n = v === undefined ? 0 : Math.abs(numberArg(v));
  if (!Number.isFinite(n)) throw badValue(`${what} must be a number`);
  return n;
}

/**
 * Matching entries in natural or `sort` order. `want` (skip + limit) lets an unsorted scan stop
 * early; 0 means all.
 */
export function matchEntries(
  view: CollectionView,
  filter: Document | undefined,
  sort?: Document,
  want = 0,
): Match[] {
  const matcher = compileFilter(filter);
  const sorting = parseSort(sort).length > 0;
  const out: Match[] = [];
  for (const entry of view.candidates(filter)) {
    const details: MatchDetails = {};
    if (!matcher(entry.doc, details)) continue;
    out.push({ entry, position: details.position });
    if (!sorting && want > 0 && out.length >= want) break;
  }
  return sorting ? sortDocuments(out, sort, m => m.entry.doc) : out;
}

export function findDocuments(view: CollectionView, spec: FindSpec): Document[] {
  const skip = nonNegative(spec.skip, 'skip');
  const limit = nonNegative(spec.limit, 'limit');
  const projection = compileProjection(spec.projection);
  const matches = matchEntries(view, spec.filter, spec.sort, limit > 0 ? skip + limit : 0);
  const page = matches.slice(skip, limit > 0 ? skip + limit : undefined);
  return page.map(m => projection.apply(m.entry.doc, m.position));
}

export function countDocuments(
  view: CollectionView,
  query: Document | undefined,
  skip?: number,
  limit?: number,
): number {
  const s = nonNegative(skip, 'skip');
  const l = nonNegative(limit, 'limit');
  const n = Math.max(matchEntries(view, query).length - s, 0);
  return l > 0 ? Math.min(n, l) : n;
}

/** Distinct values of `key`, array values flattened one level, in BSON order as MongoDB returns them. */
export function distinctValues(view: CollectionView, key: string, query: Document | undefined): unknown[] {
  if (typeof key !== 'string' || key === '') throw badValue('distinct key must be a non-empty string');
  const parts = splitPath(key);
  const seen = new Map<string, unknown>();
  const add = (v: unknown): void => {
    const k = indexKey(v);
    if (!seen.has(k)) seen.set(k, v);
  };
  for (const { entry } of matchEntries(view, query)) {
    for (const c of pathValues(entry.doc, parts)) {
      if (c.missing) continue;
      if (bsonTypeOf(c.value) === 'array') (c.value as unknown[]).forEach(add);
      else add(c.value);
    }
  }
  return [...seen.values()].sort(compareValues).map(v => deepCopy(v));
}
