/**
 * The `updateDescription` of a pipeline-style update, computed by diffing pre- and post-image the way
 * MongoDB's oplog v2 `computeOplogDiff` does: changed or added fields are updated, removed fields are
 * removed, sub-documents and arrays are diffed recursively, and an array that got shorter is reported
 * in `truncatedArrays` with its new size (its surviving changed elements as `'arr.<i>'`).
 */
import type { Document, UpdateDescription } from '../../types';
import { isPlainObject } from '../bson-types';
import { deepCopy } from '../deep-copy';
import { valuesIdentical } from '../value-compare';

export function diffDocuments(pre: Document, post: Document): UpdateDescription {
  const out: UpdateDescription = { updatedFields: {}, removedFields: [], truncatedArrays: [] };
  diffObject(pre, post, '', out);
  return out;
}

function diffValue(before: unknown, after: unknown, path: string, out: UpdateDescription): void {
  if (valuesIdentical(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) diffObject(before, after, `${path}.`, out);
  else if (Array.isArray(before) && Array.isArray(after)) diffArray(before, after, path, out);
  else out.updatedFields[path] = deepCopy(after);
}

function diffObject(
  pre: Record<string, unknown>,
  post: Record<string, unknown>,
  prefix: string,
  out: UpdateDescription,
): void {
  for (const key of Object.keys(pre)) {
    if (!Object.prototype.hasOwnProperty.call(post, key)) out.removedFields.push(prefix + key);
  }
  for (const [key, after] of Object.entries(post)) {
    if (!Object.prototype.hasOwnProperty.call(pre, key)) out.updatedFields[prefix + key] = deepCopy(after);
    else diffValue(pre[key], after, prefix + key, out);
  }
}

function diffArray(pre: unknown[], post: unknown[], path: string, out: UpdateDescription): void {
  if (post.length < pre.length) out.truncatedArrays.push({ field: path, newSize: post.length });
  post.forEach((after, i) => {
    if (i >= pre.length) out.updatedFields[`${path}.${i}`] = deepCopy(after);
    else diffValue(pre[i], after, `${path}.${i}`, out);
  });
}
