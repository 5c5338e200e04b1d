/**
 * Field update operators: $set, $setOnInsert, $unset, $inc, $mul, $min, $max, $currentDate, $rename,
 * $bit. Each applies to one concrete path of the working copy and logs only real changes, so setting
 * a field to its current value changes nothing and reports nothing.
 */
import { Timestamp } from 'bson';
import type { Document } from '../../types';
import { bsonTypeOf, isNumeric, isPlainObject } from '../bson-types';
import { deepCopy } from '../deep-copy';
import { badValue, typeMismatch } from '../engine-errors';
import { compareValues, valuesIdentical } from '../value-compare';
import { addNumbers, bitwise, multiplyNumbers, zeroLike } from './arithmetic';
import type { BitOp } from './arithmetic';
import type { ChangeLog } from './change-log';
import type { WorkingCopy } from './document-writer';
import { reportedPath, resolveTarget, writeValue } from './document-writer';
import type { WriteTarget } from './document-writer';

export interface OperatorContext extends WorkingCopy {
  /** The working copy being updated; shares untouched subtrees with the stored original. */
  doc: Document;
  log: ChangeLog;
  now: Date;
  isUpsert: boolean;
}

function idText(ctx: OperatorContext): string {
  const id = ctx.doc._id;
  return id === undefined ? 'no id' : `_id: ${JSON.stringify(id)}`;
}

/** Writes `value` unless it is binary-identical to what is there; logs the change. */
export function setValue(ctx: OperatorContext, parts: string[], target: WriteTarget, value: unknown): void {
  if (target.exists && valuesIdentical(target.current, value)) return;
  writeValue(target, value);
  ctx.log.set(reportedPath(parts, target));
}

/**
 * `value` is the statement's own copy (see parseUpdate), stored as is: stored values are never mutated,
 * so every document a multi-update matches can share it, and a bulk update copies nothing per document.
 */
export function applySet(ctx: OperatorContext, parts: string[], value: unknown): void {
  const target = resolveTarget(ctx, parts, true) as WriteTarget;
  setValue(ctx, parts, target, value);
}

export function applySetOnInsert(ctx: OperatorContext, parts: string[], value: unknown): void {
  if (ctx.isUpsert) applySet(ctx, parts, value);
}

export function applyUnset(ctx: OperatorContext, parts: string[]): void {
  const target = resolveTarget(ctx, parts, false);
  if (!target || !target.exists) return;
  if (Array.isArray(target.parent)) {
    // $unset of an array element leaves a null in its place, as MongoDB does.
    setValue(ctx, parts, target, null);
    return;
  }
  delete target.parent[target.key];
  ctx.log.unset(parts);
}

function numericTarget(ctx: OperatorContext, parts: string[], op: string): WriteTarget {
  const target = resolveTarget(ctx, parts, true) as WriteTarget;
  if (target.exists && !isNumeric(target.current)) {
    throw typeMismatch(
      `Cannot apply ${op} to a value of non-numeric type. {${idText(ctx)}} has the field '${parts[parts.length - 1]}' of non-numeric type ${bsonTypeOf(target.current)}`,
    );
  }
  return target;
}

export function applyInc(ctx: OperatorContext, parts: string[], by: unknown): void {
  const target = numericTarget(ctx, parts, '$inc');
  setValue(ctx, parts, target, target.exists ? addNumbers(target.current, by) : deepCopy(by));
}

export function applyMul(ctx: OperatorContext, parts: string[], by: unknown): void {
  const target = numericTarget(ctx, parts, '$mul');
  setValue(ctx, parts, target, target.exists ? multiplyNumbers(target.current, by) : zeroLike(by));
}

export function applyMinMax(
  ctx: OperatorContext,
  parts: string[],
  value: unknown,
  op: '$min' | '$max',
): void {
  const target = resolveTarget(ctx, parts, true) as WriteTarget;
  if (target.exists) {
    const c = compareValues(value, target.current);
    if (op === '$min' ? c >= 0 : c <= 0) return;
  }
  setValue(ctx, parts, target, deepCopy(value));
}

let timestampIncrement = 0;

export function applyCurrentDate(ctx: OperatorContext, parts: string[], spec: unknown): void {
  const wantsTimestamp = isPlainObject(spec) && spec.$type === 'timestamp';
  const value = wantsTimestamp
    ? new Timestamp({
        t: Math.floor(ctx.now.getTime() / 1000),
        i: (timestampIncrement = (timestampIncrement % 0x7fffffff) + 1),
      })
    : new Date(ctx.now.getTime());
  const target = resolveTarget(ctx, parts, true) as WriteTarget;
  setValue(ctx, parts, target, value);
}

export function applyRename(ctx: OperatorContext, parts: string[], toParts: string[]): void {
  const source = resolveTarget(ctx, parts, false);
  if (!source || !source.exists) return;
  if (source.throughArray) {
    throw badValue(
      `The source field cannot be an array element, '${parts.join('.')}' in doc with ${idText(ctx)} has an array field called '${parts[0]}'`,
    );
  }
  const value = source.current;
  const dest = resolveTarget(ctx, toParts, true) as WriteTarget;
  if (dest.throughArray) {
    throw badValue(
      `The destination field cannot be an array element, '${toParts.join('.')}' in doc with ${idText(ctx)} has an array field called '${toParts[0]}'`,
    );
  }
  delete (source.parent as Record<string, unknown>)[source.key];
  ctx.log.unset(parts);
  writeValue(dest, value);
  ctx.log.set(reportedPath(toParts, dest));
}

export function applyBit(ctx: OperatorContext, parts: string[], spec: unknown): void {
  const target = resolveTarget(ctx, parts, true) as WriteTarget;
  let value = target.exists ? target.current : undefined;
  for (const [op, operand] of Object.entries(spec as Record<string, unknown>)) {
    if (op !== 'and' && op !== 'or' && op !== 'xor') {
      throw badValue(
        `The $bit modifier only supports 'and', 'or', and 'xor', not '${op}' which is an unknown operator: {${op}: ${JSON.stringify(operand)}}`,
      );
    }
    value = bitwise(value ?? zeroLike(operand), op as BitOp, operand);
  }
  setValue(ctx, parts, target, value);
}
