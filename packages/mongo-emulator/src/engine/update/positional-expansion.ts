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
import { arrayFilterToken } from './update-spec';

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

export function hasPositional(parts: string[]): boolean {
  for (const part of parts) if (part === '$' || arrayFilterToken(part) !== undefined) return true;
  return false;
}

export function expandPositional(doc: unknown, parts: string[], ctx: PositionalContext): string[][] {
  if (!hasPositional(parts)) return [parts];
  const out: string[][] = [];
  const walk = (value: unknown, i: number, prefix: string[]): void => {
    if (i === parts.length) {
      out.push(prefix);
      return;
    }
    const part = parts[i];
    if (part === '$') {
      if (ctx.position === undefined)
        throw badValue('The positional operator did not find the match needed from the query.');
      const idx = String(ctx.position);
      walk(child(value, idx), i + 1, [...prefix, idx]);
      return;
    }
    const id = arrayFilterToken(part);
    if (id === undefined) {
      walk(child(value, part), i + 1, [...prefix, part]);
      return;
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
    const filter = id === '' ? undefined : ctx.arrayFilters.get(id);
    value.forEach((element, j) => {
      if (filter && !filter({ [id]: element })) return;
      walk(element, i + 1, [...prefix, String(j)]);
    });
  };
  walk(doc, 0, []);
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
