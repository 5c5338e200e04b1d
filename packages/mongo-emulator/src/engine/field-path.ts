/**
 * Dotted-path traversal as MongoDB's query system does it: a field name applied to an array reaches
 * into each of its (sub)document elements, a numeric component indexes the array. Queries, sort keys
 * and index keys all use this one traversal, which is what makes index candidates a superset of
 * matches.
 */
import { isPlainObject } from './bson-types';

/** One value a path reaches in a document. */
export interface PathValue {
  /** Undefined when `missing`. */
  value: unknown;
  missing: boolean;
  /** Index of the element taken in the first array traversed by field name (positional `$`). */
  position?: number;
}

const INDEX = /^\d+$/;

export function isIndexComponent(part: string): boolean {
  return INDEX.test(part);
}

export function splitPath(path: string): string[] {
  return path.split('.');
}

const MISSING: PathValue = { value: undefined, missing: true };

function walk(
  value: unknown,
  parts: string[],
  i: number,
  out: PathValue[],
  position: number | undefined,
): void {
  if (i === parts.length) {
    out.push({ value, missing: false, position });
    return;
  }
  const part = parts[i];
  if (Array.isArray(value)) {
    if (isIndexComponent(part)) {
      const idx = Number(part);
      if (idx < value.length) walk(value[idx], parts, i + 1, out, position);
      else out.push({ ...MISSING, position });
      return;
    }
    value.forEach((element, j) => {
      // Arrays directly inside arrays are not traversed by field name, as in MongoDB.
      if (Array.isArray(element)) return;
      walk(element, parts, i, out, position ?? j);
    });
    return;
  }
  if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, part)) {
    walk(value[part], parts, i + 1, out, position);
    return;
  }
  out.push({ ...MISSING, position });
}

/** Every value `parts` reaches in `doc`, a missing entry for each branch that ends early. */
export function pathValues(doc: unknown, parts: string[]): PathValue[] {
  const out: PathValue[] = [];
  walk(doc, parts, 0, out, undefined);
  return out;
}

/** The value at an exact path (numeric components index arrays, no fan-out), or undefined. */
export function getExact(doc: unknown, parts: string[]): unknown {
  let cur: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(cur)) {
      if (!isIndexComponent(part)) return undefined;
      cur = cur[Number(part)];
    } else if (isPlainObject(cur) && Object.prototype.hasOwnProperty.call(cur, part)) {
      cur = cur[part];
    } else {
      return undefined;
    }
  }
  return cur;
}

/** Own-property assignment that keeps a `__proto__` key a field rather than a prototype change. */
export function setField(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}
