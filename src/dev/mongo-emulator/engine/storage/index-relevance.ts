/**
 * Whether an update can have changed a document's keys in an index, from the paths the update reports
 * changed: MongoDB's "update affects indexes" test. Numeric components are dropped from both sides first
 * (`arr.3.id` changes what an index on `arr.id` sees), which can only make more paths overlap, so a
 * "no" is always safe and a "yes" simply means the keys are recomputed.
 */
import type { UpdateDescription } from '../../types';
import { isIndexComponent, splitPath } from '../field-path';

export type ChangedPaths = string[][];

function withoutPositions(parts: string[]): string[] {
  return parts.filter(part => !isIndexComponent(part));
}

/** The changed paths of an operator or pipeline update, ready for `mayAffect`. */
export function changedPathsOf(description: UpdateDescription): ChangedPaths {
  const paths: ChangedPaths = [];
  for (const path of Object.keys(description.updatedFields)) paths.push(withoutPositions(splitPath(path)));
  for (const path of description.removedFields) paths.push(withoutPositions(splitPath(path)));
  for (const { field } of description.truncatedArrays) paths.push(withoutPositions(splitPath(field)));
  return paths;
}

/** True when one of `changed` is a prefix of an index field path or has one as its prefix. */
export function mayAffect(changed: ChangedPaths, indexFields: string[][]): boolean {
  for (const field of indexFields) {
    const indexed = withoutPositions(field);
    for (const path of changed) {
      const n = Math.min(indexed.length, path.length);
      let same = true;
      for (let i = 0; i < n && same; i++) same = indexed[i] === path[i];
      if (same) return true;
    }
  }
  return false;
}
