/**
 * Navigation to the place an update operator writes: intermediate documents are created on demand
 * (`$set: {'a.b.c': 1}` on `{}` builds `{a: {b: {c: 1}}}`), array elements are addressed by index,
 * and a path through a scalar is "not viable" as MongoDB calls it.
 */
import { isPlainObject } from '../bson-types';
import { pathNotViable } from '../engine-errors';
import { shallowCopy } from '../deep-copy';
import { isIndexComponent, setField } from '../field-path';

/**
 * An update's working copy of a document. Stored documents are never mutated, so the copy shares every
 * subtree the update does not touch: navigation copies each container on the way to a write the first
 * time it passes it (`owned` remembers which are the copy's own). Copying the whole document instead cost
 * most of a bulk update's time.
 */
export interface WorkingCopy {
  doc: Record<string, unknown>;
  owned: Set<object>;
}

export function workingCopy(original: Record<string, unknown>): WorkingCopy {
  const doc = shallowCopy(original);
  // A plain Set: the working copy lives for one document's update, and a WeakSet's ephemeron
  // bookkeeping showed up in the garbage collector's share of a bulk update.
  return { doc, owned: new Set([doc]) };
}

export interface WriteTarget {
  parent: Record<string, unknown> | unknown[];
  key: string;
  exists: boolean;
  current: unknown;
  /** Index of the first path component this navigation created (the leaf when only it is new). */
  createdAt?: number;
  /** Whether an array was traversed on the way (rename refuses array elements). */
  throughArray: boolean;
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * Resolves `parts` in `doc`. With `create`, missing intermediate documents are created; without it,
 * undefined is returned when the path does not lead anywhere (operators like $unset then do nothing).
 */
export function resolveTarget(work: WorkingCopy, parts: string[], create: boolean): WriteTarget | undefined {
  let cur: Record<string, unknown> | unknown[] = work.doc;
  let createdAt: number | undefined;
  let throughArray = false;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i];
    let next: unknown;
    if (Array.isArray(cur)) {
      throughArray = true;
      if (!isIndexComponent(part)) {
        if (!create) return undefined;
        throw pathNotViable(
          `Cannot create field '${part}' in element {${parts[i - 1] ?? ''}: ${describe(cur)}}`,
        );
      }
      const idx = Number(part);
      next = cur[idx];
      if (idx >= cur.length) {
        if (!create) return undefined;
        while (cur.length < idx) cur.push(null);
        next = {};
        cur.push(next);
        createdAt ??= i;
      }
    } else if (Object.prototype.hasOwnProperty.call(cur, part)) {
      next = cur[part];
    } else {
      if (!create) return undefined;
      next = {};
      setField(cur, part, next);
      createdAt ??= i;
    }
    if (!isPlainObject(next) && !Array.isArray(next)) {
      if (!create) return undefined;
      throw pathNotViable(`Cannot create field '${parts[i + 1]}' in element {${part}: ${describe(next)}}`);
    }
    let container = next as Record<string, unknown> | unknown[];
    if (!work.owned.has(container)) {
      // Shared with the stored original (or just created, which is cheap to copy): make it the copy's own.
      container = shallowCopy(container);
      if (Array.isArray(cur)) cur[Number(part)] = container;
      else setField(cur, part, container);
      work.owned.add(container);
    }
    cur = container;
  }
  const key = parts[parts.length - 1];
  let exists: boolean;
  let current: unknown;
  if (Array.isArray(cur)) {
    throughArray = true;
    if (!isIndexComponent(key)) {
      if (!create) return undefined;
      throw pathNotViable(
        `Cannot create field '${key}' in element {${parts[parts.length - 2] ?? ''}: ${describe(cur)}}`,
      );
    }
    const idx = Number(key);
    exists = idx < cur.length;
    current = exists ? cur[idx] : undefined;
  } else {
    exists = Object.prototype.hasOwnProperty.call(cur, key);
    current = exists ? cur[key] : undefined;
  }
  return {
    parent: cur,
    key,
    exists,
    current,
    createdAt: exists ? createdAt : (createdAt ?? parts.length - 1),
    throughArray,
  };
}

export function writeValue(target: WriteTarget, value: unknown): void {
  const { parent, key } = target;
  if (Array.isArray(parent)) {
    const idx = Number(key);
    while (parent.length < idx) parent.push(null);
    parent[idx] = value;
  } else {
    setField(parent, key, value);
  }
  target.current = value;
}

/** The path an oplog v2 delta reports for a write: up to and including the first created component. */
export function reportedPath(parts: string[], target: WriteTarget): string[] {
  return target.createdAt === undefined ? parts : parts.slice(0, target.createdAt + 1);
}
