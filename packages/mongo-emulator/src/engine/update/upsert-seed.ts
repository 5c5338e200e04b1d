/**
 * The document an upsert starts from: the filter's equality conditions (`field: value`, `{$eq: v}`,
 * a one-element `$in`, inside top-level `$and` too), dotted paths building nested documents, before
 * the update itself and `$setOnInsert` are applied.
 */
import type { Document } from '../../types';
import { bsonTypeOf, isOperatorObject, isPlainObject } from '../bson-types';
import { deepCopy } from '../deep-copy';
import { errorOf, ExtraErrorCodes } from '../engine-errors';
import { setField, splitPath } from '../field-path';

function equalities(filter: Document, out: [string, unknown][]): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value) if (isPlainObject(sub)) equalities(sub, out);
      continue;
    }
    if (key.startsWith('$') || key.split('.').some(p => p.startsWith('$'))) continue;
    if (value instanceof RegExp || bsonTypeOf(value) === 'regex') continue;
    if (isOperatorObject(value)) {
      if ('$eq' in value) out.push([key, value.$eq]);
      else if (Array.isArray(value.$in) && value.$in.length === 1 && !isOperatorObject(value.$in[0]))
        out.push([key, value.$in[0]]);
      continue;
    }
    out.push([key, value]);
  }
}

export function seedFromFilter(filter: Document | undefined): Document {
  const pairs: [string, unknown][] = [];
  if (filter) equalities(filter, pairs);
  const seed: Document = {};
  const seen: string[] = [];
  for (const [path, value] of pairs) {
    for (const other of seen) {
      if (other === path)
        throw errorOf(
          ExtraErrorCodes.NotSingleValueField,
          `cannot infer query fields to set, path '${path}' is matched twice`,
        );
      if (path.startsWith(`${other}.`) || other.startsWith(`${path}.`)) {
        throw errorOf(
          ExtraErrorCodes.NotSingleValueField,
          `cannot infer query fields to set, both paths '${path}' and '${other}' are matched`,
        );
      }
    }
    seen.push(path);
    const parts = splitPath(path);
    let node: Record<string, unknown> = seed;
    for (const part of parts.slice(0, -1)) {
      if (!isPlainObject(node[part])) setField(node, part, {});
      node = node[part] as Record<string, unknown>;
    }
    setField(node, parts[parts.length - 1], deepCopy(value));
  }
  return seed;
}
