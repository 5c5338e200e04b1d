/**
 * Array update operators: $push (with $each, $position, $slice, $sort), $addToSet (with $each), $pull
 * (value or condition), $pullAll and $pop. They follow MongoDB's PushNode/AddToSetNode/ArrayCullingNode,
 * including how the change is logged: only a plain append to a non-empty array is logged element by
 * element, every other change logs the whole new array.
 */
import { bsonTypeOf, isOperatorObject, isPlainObject, numberArg } from '../bson-types';
import { deepCopy } from '../deep-copy';
import { badValue } from '../engine-errors';
import { compileFilter } from '../query/query-matcher';
import { sortDocuments } from '../query/sort-documents';
import { compareValues, valuesEqual } from '../value-compare';
import { reportedPath, resolveTarget, writeValue } from './document-writer';
import type { WriteTarget } from './document-writer';
import { setValue } from './field-operators';
import type { OperatorContext } from './field-operators';

interface PushSpec {
  values: unknown[];
  position?: number;
  slice?: number;
  sort?: unknown;
}

const PUSH_CLAUSES = new Set(['$each', '$position', '$slice', '$sort']);

function parsePush(arg: unknown): PushSpec {
  if (!isPlainObject(arg) || !('$each' in arg)) return { values: [arg] };
  for (const k of Object.keys(arg))
    if (!PUSH_CLAUSES.has(k)) throw badValue(`Unrecognized clause in $push: ${k}`);
  if (!Array.isArray(arg.$each))
    throw badValue(
      `The argument to $each in $push must be an array but it was of type: ${bsonTypeOf(arg.$each)}`,
    );
  const spec: PushSpec = { values: arg.$each };
  if ('$position' in arg) {
    spec.position = numberArg(arg.$position);
    if (!Number.isInteger(spec.position)) throw badValue('The value for $position must be an integer value');
  }
  if ('$slice' in arg) {
    spec.slice = numberArg(arg.$slice);
    if (!Number.isInteger(spec.slice)) throw badValue('The value for $slice must be an integer value');
  }
  if ('$sort' in arg) {
    const s = arg.$sort;
    const n = numberArg(s);
    if (!(n === 1 || n === -1) && !(isPlainObject(s) && Object.keys(s).length > 0)) {
      throw badValue(
        'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields',
      );
    }
    spec.sort = s;
  }
  return spec;
}

function arrayTarget(
  ctx: OperatorContext,
  parts: string[],
  message: (type: string) => string,
): WriteTarget | undefined {
  const target = resolveTarget(ctx, parts, true) as WriteTarget;
  if (target.exists && !Array.isArray(target.current)) throw badValue(message(bsonTypeOf(target.current)));
  return target;
}

/** Returns true when the result is a pure append onto a non-empty array. */
function performPush(array: unknown[], spec: PushSpec): boolean {
  const size = array.length;
  const values = spec.values.map(v => deepCopy(v));
  let append = false;
  if (values.length > 0) {
    const p = spec.position;
    if (p === undefined || p > size) {
      append = size > 0;
      array.push(...values);
    } else if (p >= 0) array.splice(p, 0, ...values);
    else array.splice(-p < size ? size + p : 0, 0, ...values);
  }
  if (spec.sort !== undefined) {
    append = false;
    const sorted = isPlainObject(spec.sort)
      ? sortDocuments(array, spec.sort)
      : [...array].sort((a, b) => compareValues(a, b) * numberArg(spec.sort));
    array.splice(0, array.length, ...sorted);
  }
  if (spec.slice !== undefined) {
    const limit = Math.abs(spec.slice);
    if (array.length > limit) {
      append = false;
      if (spec.slice >= 0) array.splice(limit);
      else array.splice(0, array.length - limit);
    }
  }
  return append;
}

export function applyPush(ctx: OperatorContext, parts: string[], arg: unknown): void {
  const spec = parsePush(arg);
  const path = parts.join('.');
  const target = arrayTarget(
    ctx,
    parts,
    t =>
      `The field '${path}' must be an array but is of type ${t} in document {_id: ${JSON.stringify(ctx.doc._id)}}`,
  ) as WriteTarget;
  if (!target.exists) {
    const created: unknown[] = [];
    performPush(created, spec);
    setValue(ctx, parts, target, created);
    return;
  }
  const before = target.current as unknown[];
  const after = before.slice();
  const append = performPush(after, spec);
  if (after.length === before.length && after.every((v, i) => v === before[i])) return;
  writeValue(target, after);
  if (append) {
    for (let i = before.length; i < after.length; i++) ctx.log.set([...parts, String(i)]);
  } else {
    ctx.log.set(reportedPath(parts, target));
  }
}

export function applyAddToSet(ctx: OperatorContext, parts: string[], arg: unknown): void {
  let values: unknown[] = [arg];
  if (isPlainObject(arg) && '$each' in arg) {
    if (Object.keys(arg).length > 1)
      throw badValue(`Found unexpected fields after $each in $addToSet: ${JSON.stringify(arg)}`);
    if (!Array.isArray(arg.$each))
      throw badValue(
        `The argument to $each in $addToSet must be an array but it was of type ${bsonTypeOf(arg.$each)}`,
      );
    values = arg.$each;
  }
  const unique: unknown[] = [];
  for (const v of values) if (!unique.some(u => valuesEqual(u, v))) unique.push(v);
  const target = arrayTarget(
    ctx,
    parts,
    t =>
      `Cannot apply $addToSet to non-array field. Field named '${parts[parts.length - 1]}' has non-array type ${t}`,
  ) as WriteTarget;
  if (!target.exists) {
    setValue(
      ctx,
      parts,
      target,
      unique.map(v => deepCopy(v)),
    );
    return;
  }
  const current = target.current as unknown[];
  const toAdd = unique.filter(v => !current.some(e => valuesEqual(e, v)));
  if (toAdd.length === 0) return;
  writeValue(target, [...current, ...toAdd.map(v => deepCopy(v))]);
  ctx.log.set(parts);
}

function existingArray(
  ctx: OperatorContext,
  parts: string[],
  message: (type: string) => string,
): WriteTarget | undefined {
  const target = resolveTarget(ctx, parts, false);
  if (!target || !target.exists) return undefined;
  if (!Array.isArray(target.current)) throw badValue(message(bsonTypeOf(target.current)));
  return target;
}

function cull(
  ctx: OperatorContext,
  parts: string[],
  target: WriteTarget,
  keep: (e: unknown) => boolean,
): void {
  const current = target.current as unknown[];
  const after = current.filter(keep);
  if (after.length === current.length) return;
  writeValue(target, after);
  ctx.log.set(parts);
}

/** The element test of a $pull: a condition (`{$gte: 6}`), a query on documents, or a value. */
function pullTest(arg: unknown): (e: unknown) => boolean {
  if (isOperatorObject(arg)) {
    const m = compileFilter({ v: arg });
    return e => m({ v: e });
  }
  if (isPlainObject(arg)) {
    const m = compileFilter(arg);
    return e => isPlainObject(e) && m(e);
  }
  if (arg instanceof RegExp || bsonTypeOf(arg) === 'regex') {
    const m = compileFilter({ v: arg });
    return e => m({ v: e }) && !Array.isArray(e);
  }
  return e => valuesEqual(e, arg);
}

export function applyPull(ctx: OperatorContext, parts: string[], arg: unknown): void {
  const target = existingArray(ctx, parts, () => 'Cannot apply $pull to a non-array value');
  if (!target) return;
  const test = pullTest(arg);
  cull(ctx, parts, target, e => !test(e));
}

export function applyPullAll(ctx: OperatorContext, parts: string[], arg: unknown): void {
  const target = existingArray(ctx, parts, () => 'Cannot apply $pullAll to a non-array value');
  if (!target) return;
  const values = arg as unknown[];
  cull(ctx, parts, target, e => !values.some(v => valuesEqual(e, v)));
}

export function applyPop(ctx: OperatorContext, parts: string[], arg: unknown): void {
  const target = existingArray(
    ctx,
    parts,
    t => `Path '${parts.join('.')}' contains an element of non-array type '${t}'`,
  );
  if (!target) return;
  const current = target.current as unknown[];
  if (current.length === 0) return;
  writeValue(target, numberArg(arg) === 1 ? current.slice(0, -1) : current.slice(1));
  ctx.log.set(parts);
}
