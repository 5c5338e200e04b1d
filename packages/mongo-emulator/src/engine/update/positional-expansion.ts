/**
 * Turns an update path with positional components into the concrete paths it addresses in one
 * document: `$` becomes the array position the query matched, `$[]` every element, `$[id]` every
 * element its array filter accepts. Works at any depth (`metadata.responsible.$[el].name`, nested
 * `a.$[i].b.$[j]`), which is the case mingo's updater gets wrong.
 */
import { isPlainObject } from '../bson-types';
import { badValue } from '../engine-errors';
import { isIndexComponent } from '../field-path';
import type { Matcher } from '../query/query-matcher';
import type { PositionalPath } from './update-spec';

export interface PositionalContext {
  /** Array position from the query match, for `$`. */
  position?: number;
  arrayFilters: Map<string, Matcher>;
}

function child(value: unknown, part: string): unknown {
  if (Array.isArray(value)) return isIndexComponent(part) ? value[Number(part)] : undefined;
  if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, part)) return value[part];
  return undefined;
}

export function expandPositional(doc: unknown, path: PositionalPath, ctx: PositionalContext): string[][] {
  const { parts, tokens } = path;
  if (tokens === undefined) return [parts];
  const out: string[][] = [];
  // One prefix, extended and shortened as the walk goes; a leaf takes a copy.
  const prefix: string[] = [];
  const descend = (value: unknown, i: number, part: string): void => {
    prefix.push(part);
    walk(value, i + 1);
    prefix.pop();
  };
  const walk = (value: unknown, i: number): void => {
    if (i === parts.length) {
      out.push(prefix.slice());
      return;
    }
    const token = tokens[i];
    if (token === undefined) return descend(child(value, parts[i]), i, parts[i]);
    if (token === '$') {
      if (ctx.position === undefined)
        throw badValue('The positional operator did not find the match needed from the query.');
      const idx = String(ctx.position);
      return descend(child(value, idx), i, idx);
    }
    if (value === undefined) {
      throw badValue(
        `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`,
      );
    }
    if (!Array.isArray(value)) {
      throw badValue(
        `Cannot apply array updates to non-array element ${prefix[prefix.length - 1]}: ${JSON.stringify(value)}`,
      );
    }
    const filter = token === '' ? undefined : ctx.arrayFilters.get(token);
    for (let j = 0; j < value.length; j++) {
      const element: unknown = value[j];
      if (filter && !filter({ [token]: element })) continue;
      descend(element, i, String(j));
    }
  };
  walk(doc, 0);
  return out;
}

/** Orders concrete paths as MongoDB's update tree visits them: field names sorted, indexes numeric. */
export function comparePaths(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    if (isIndexComponent(a[i]) && isIndexComponent(b[i])) return Number(a[i]) - Number(b[i]);
    return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}
