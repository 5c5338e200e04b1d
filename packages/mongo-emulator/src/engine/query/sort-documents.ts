/**
 * MongoDB sort order: multi-key, dotted paths, BSON type order, missing sorting as null, and an array
 * field sorting by its smallest element ascending and its largest descending.
 */
import type { Document } from '../../types';
import { isPlainObject, numberArg } from '../bson-types';
import { badValue } from '../engine-errors';
import { pathValues, splitPath } from '../field-path';
import { compareValues } from '../value-compare';

interface SortKey {
  parts: string[];
  direction: 1 | -1;
}

export function parseSort(spec: Document | undefined | null): SortKey[] {
  if (!spec) return [];
  if (!isPlainObject(spec)) throw badValue('sort must be an object');
  return Object.entries(spec).map(([path, dir]) => {
    if (isPlainObject(dir)) throw badValue(`$meta sort (${path}) is not supported by the emulator`);
    const n = numberArg(dir);
    if (n !== 1 && n !== -1)
      throw badValue('$sort key ordering must be 1 (for ascending) or -1 (for descending)');
    return { parts: splitPath(path), direction: n };
  });
}

function sortValue(doc: unknown, key: SortKey): unknown {
  let best: unknown = null;
  let first = true;
  const consider = (v: unknown): void => {
    if (first || compareValues(v, best) * key.direction < 0) best = v;
    first = false;
  };
  for (const c of pathValues(doc, key.parts)) {
    if (c.missing) consider(null);
    else if (Array.isArray(c.value)) {
      if (c.value.length === 0) consider(null);
      for (const e of c.value) consider(e);
    } else consider(c.value);
  }
  return best;
}

/** Sorts stably (ties keep their input order, which is natural order for stored documents). */
export function sortDocuments<T>(
  items: T[],
  spec: Document | undefined | null,
  docOf: (item: T) => unknown = x => x,
): T[] {
  const keys = parseSort(spec);
  if (keys.length === 0) return items;
  const decorated = items.map((doc, i) => ({ doc, i, values: keys.map(k => sortValue(docOf(doc), k)) }));
  decorated.sort((a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const c = compareValues(a.values[k], b.values[k]) * keys[k].direction;
      if (c !== 0) return c;
    }
    return a.i - b.i;
  });
  return decorated.map(d => d.doc);
}
