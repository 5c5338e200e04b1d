/**
 * Applies one parsed update to one document, returning a new document (the stored one is never
 * mutated, so it stays valid as a pre-image and as an earlier result) and, for operator and pipeline
 * updates, the exact `updateDescription` of what changed.
 */
import type { Document, UpdateDescription } from '../../types';
import { deepCopy } from '../deep-copy';
import { withIdFirst } from '../document-id';
import { immutableField } from '../engine-errors';
import { splitPath } from '../field-path';
import { valuesEqual, valuesIdentical } from '../value-compare';
import { applyAddToSet, applyPop, applyPull, applyPullAll, applyPush } from './array-operators';
import { ChangeLog } from './change-log';
import { diffDocuments } from './document-diff';
import type { OperatorContext } from './field-operators';
import {
  applyBit,
  applyCurrentDate,
  applyInc,
  applyMinMax,
  applyMul,
  applyRename,
  applySet,
  applySetOnInsert,
  applyUnset,
} from './field-operators';
import { workingCopy } from './document-writer';
import { applyPipelineUpdate } from './pipeline-update';
import { comparePaths, expandPositional } from './positional-expansion';
import type { ModEntry, ParsedUpdate } from './update-spec';

export interface ApplyOptions {
  /** Array position the query matched, for positional `$`. */
  position?: number;
  /** True when the document is an upsert seed: `$setOnInsert` applies and `_id` may be set. */
  isUpsert: boolean;
  now?: Date;
}

export interface UpdateOutcome {
  doc: Document;
  changed: boolean;
  operationType: 'update' | 'replace';
  description?: UpdateDescription;
}

function applyEntry(ctx: OperatorContext, entry: ModEntry, parts: string[]): void {
  switch (entry.op) {
    case '$set':
      return applySet(ctx, parts, entry.arg);
    case '$setOnInsert':
      return applySetOnInsert(ctx, parts, entry.arg);
    case '$unset':
      return applyUnset(ctx, parts);
    case '$inc':
      return applyInc(ctx, parts, entry.arg);
    case '$mul':
      return applyMul(ctx, parts, entry.arg);
    case '$min':
    case '$max':
      return applyMinMax(ctx, parts, entry.arg, entry.op);
    case '$currentDate':
      return applyCurrentDate(ctx, parts, entry.arg);
    case '$rename':
      return applyRename(ctx, parts, splitPath(entry.arg as string));
    case '$bit':
      return applyBit(ctx, parts, entry.arg);
    case '$push':
      return applyPush(ctx, parts, entry.arg);
    case '$addToSet':
      return applyAddToSet(ctx, parts, entry.arg);
    case '$pull':
      return applyPull(ctx, parts, entry.arg);
    case '$pullAll':
      return applyPullAll(ctx, parts, entry.arg);
    case '$pop':
      return applyPop(ctx, parts, entry.arg);
  }
}

function checkIdUnchanged(original: Document, doc: Document): void {
  if (!('_id' in original)) return;
  if (!('_id' in doc) || !valuesIdentical(doc._id, original._id)) {
    throw immutableField("Performing an update on the path '_id' would modify the immutable field '_id'");
  }
}

export function applyUpdate(original: Document, parsed: ParsedUpdate, options: ApplyOptions): UpdateOutcome {
  const now = options.now ?? new Date();
  if (parsed.kind === 'replacement') return applyReplacement(original, parsed.doc);
  if (parsed.kind === 'pipeline') {
    let doc = applyPipelineUpdate(original, parsed.stages);
    if ('_id' in original) {
      if (!('_id' in doc)) doc = { _id: original._id, ...doc };
      else if (!valuesEqual(doc._id, original._id)) {
        throw immutableField(
          `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${JSON.stringify(doc._id)}`,
        );
      }
    }
    doc = withIdFirst(doc);
    const changed = !valuesIdentical(doc, original);
    return {
      doc,
      changed,
      operationType: 'update',
      description: changed ? diffDocuments(original, doc) : undefined,
    };
  }
  // Built field by field: spreading the working copy into a literal cost a measurable share of a bulk update.
  const work = workingCopy(original);
  const ctx: OperatorContext = {
    doc: work.doc,
    owned: work.owned,
    log: new ChangeLog(),
    now,
    isUpsert: options.isUpsert,
  };
  const { doc } = ctx;
  const targets: { entry: ModEntry; parts: string[] }[] = [];
  for (const entry of parsed.entries) {
    for (const parts of expandPositional(doc, entry.positional, {
      position: options.position,
      arrayFilters: parsed.arrayFilters,
    })) {
      targets.push({ entry, parts });
    }
  }
  targets.sort((a, b) => comparePaths(a.parts, b.parts));
  for (const t of targets) applyEntry(ctx, t.entry, t.parts);
  checkIdUnchanged(original, doc);
  // Operators log only real changes (see change-log.ts), so a non-empty log means a changed document.
  const changed = !ctx.log.isEmpty;
  return { doc, changed, operationType: 'update', description: changed ? ctx.log.describe(doc) : undefined };
}

function applyReplacement(original: Document, replacement: Document): UpdateOutcome {
  const next = deepCopy(replacement);
  if ('_id' in original && '_id' in next && !valuesEqual(next._id, original._id)) {
    throw immutableField(
      `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${JSON.stringify(next._id)}`,
    );
  }
  const ordered = withIdFirst('_id' in original ? { ...next, _id: original._id } : next);
  return { doc: ordered, changed: !valuesIdentical(ordered, original), operationType: 'replace' };
}
