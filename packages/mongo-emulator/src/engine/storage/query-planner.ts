/**
 * Picks the candidate documents for a filter so that lookups cost O(matching documents): an equality,
 * `$eq`, `$in` or `$elemMatch` literal condition at the top level (or inside a top-level `$and`) on
 * `_id` or on the first field of an index yields the candidate `_id` keys. The full matcher still runs
 * on every candidate, so a plan only has to be a superset of the matches, never exact.
 */
import type { Document } from '../../types';
import { bsonTypeOf, isOperatorObject, isPlainObject } from '../bson-types';
import { indexKey } from '../index-key';
import type { SecondaryIndex } from './secondary-index';

interface Condition {
  path: string;
  keys: string[];
}

/** Values that index keys can find: no null (matches missing), arrays, regexes or operators. */
function usable(v: unknown): boolean {
  const type = bsonTypeOf(v);
  if (
    type === 'null' ||
    type === 'undefined' ||
    type === 'array' ||
    type === 'regex' ||
    type === 'minKey' ||
    type === 'maxKey'
  )
    return false;
  return !isOperatorObject(v);
}

function keysForCondition(cond: unknown): string[] | undefined {
  if (!isOperatorObject(cond)) return usable(cond) ? [indexKey(cond)] : undefined;
  if ('$eq' in cond) return usable(cond.$eq) ? [indexKey(cond.$eq)] : undefined;
  if (Array.isArray(cond.$in) && cond.$in.every(usable)) return cond.$in.map(indexKey);
  return undefined;
}

function collect(filter: Document, out: Condition[]): void {
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(cond)) {
      for (const sub of cond) if (isPlainObject(sub)) collect(sub, out);
      continue;
    }
    if (key.startsWith('$')) continue;
    const keys = keysForCondition(cond);
    if (keys) out.push({ path: key, keys });
    if (isPlainObject(cond) && isPlainObject(cond.$elemMatch)) {
      for (const [sub, subCond] of Object.entries(cond.$elemMatch)) {
        if (sub.startsWith('$')) continue;
        const subKeys = keysForCondition(subCond);
        if (subKeys) out.push({ path: `${key}.${sub}`, keys: subKeys });
      }
    }
  }
}

export interface PlanSource {
  indexList(): Iterable<SecondaryIndex>;
}

/**
 * The `_id` key of a filter whose top-level `_id` condition is one literal value (`{_id: X}` or
 * `{_id: {$eq: X}}`): the shape of nearly every single-document write, answered without building a plan.
 */
export function singleIdKey(filter: Document | undefined): string | undefined {
  if (!filter || !Object.prototype.hasOwnProperty.call(filter, '_id')) return undefined;
  const keys = keysForCondition(filter._id);
  return keys?.length === 1 ? keys[0] : undefined;
}

/** Candidate `_id` keys, or null when no index applies and the collection must be scanned. */
export function planCandidates(filter: Document | undefined, source: PlanSource): string[] | null {
  if (!filter || !isPlainObject(filter)) return null;
  const conditions: Condition[] = [];
  collect(filter, conditions);
  if (conditions.length === 0) return null;
  const byId = conditions.find(c => c.path === '_id');
  // Keys of absent documents are dropped where the candidates are fetched: one lookup per key, not two.
  if (byId) return [...new Set(byId.keys)];
  const usable: { index: SecondaryIndex; keys: string[] }[] = [];
  for (const index of source.indexList()) {
    if (index.partial) continue;
    const cond = conditions.find(c => c.path === index.paths[0]);
    if (cond) usable.push({ index, keys: cond.keys });
  }
  if (usable.length === 0) return null;
  // Sizing each choice costs a lookup per key: only worth it when there is a choice.
  let best = usable[0];
  if (usable.length > 1) {
    const size = ({ index, keys }: (typeof usable)[number]) =>
      keys.reduce((n, k) => n + (index.lookupFirst(k)?.size ?? 0), 0);
    let bestSize = size(best);
    for (const choice of usable.slice(1)) {
      const choiceSize = size(choice);
      if (choiceSize < bestSize) [best, bestSize] = [choice, choiceSize];
    }
  }
  const ids = new Set<string>();
  for (const k of best.keys) for (const id of best.index.lookupFirst(k) ?? []) ids.add(id);
  return [...ids];
}
