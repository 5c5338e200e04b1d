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

/** An index's field paths as `mayAffect` compares them: computed once per index, not per update. */
export function indexedPathsOf(fields: string[][]): ChangedPaths {
  return fields.map(withoutPositions);
}

/** True when one of `changed` is a prefix of one of `indexed` (from `indexedPathsOf`) or has one as its prefix. */
export function mayAffect(changed: ChangedPaths, indexed: ChangedPaths): boolean {
  for (const field of indexed) {
    for (const path of changed) {
      const n = Math.min(field.length, path.length);
      let same = true;
      for (let i = 0; i < n && same; i++) same = field[i] === path[i];
      if (same) return true;
    }
  }
  return false;
}
