/**
 * Records what an operator update changed, the way MongoDB's oplog v2 log builder does, and turns it
 * into the change event's `updateDescription`:
 * - a modified field is reported at its own path (`$set {'a.b': 1}` -> `'a.b'`);
 * - a newly created path is reported at its first new component with the whole new subtree
 *   (`$set {'a.b.c': 1}` on a document without `a` -> `{a: {b: {c: 1}}}`);
 * - `$push` appending to a non-empty array reports each new element (`'arr.3'`), while `$pull`,
 *   `$pop`, `$addToSet` and any other array rewrite report the whole new array: MongoDB 7 only uses
 *   `truncatedArrays` for pipeline-style updates (see document-diff.ts);
 * - values are read from the post-image, so a subtree created and then extended reports once.
 * Paths that did not change are never logged, so a no-op update has an empty log.
 */
import type { Document, UpdateDescription } from '../../types';
import { getExact } from '../field-path';

function isStrictPrefix(prefix: string[], path: string[]): boolean {
  return prefix.length < path.length && prefix.every((p, i) => p === path[i]);
}

export class ChangeLog {
  private readonly sets: string[][] = [];
  private readonly unsets: string[][] = [];

  set(parts: string[]): void {
    this.sets.push(parts);
  }

  unset(parts: string[]): void {
    this.unsets.push(parts);
  }

  get isEmpty(): boolean {
    return this.sets.length === 0 && this.unsets.length === 0;
  }

  describe(postImage: Document): UpdateDescription {
    const updatedFields: Document = {};
    const covered = (parts: string[]): boolean => this.sets.some(s => isStrictPrefix(s, parts));
    for (const parts of this.sets) {
      if (covered(parts)) continue;
      // The post-image is stored and never mutated, so the event shares its values instead of copying them.
      updatedFields[parts.join('.')] = getExact(postImage, parts);
    }
    const removedFields: string[] = [];
    for (const parts of this.unsets) {
      const path = parts.join('.');
      if (!covered(parts) && !removedFields.includes(path) && !(path in updatedFields))
        removedFields.push(path);
    }
    return { updatedFields, removedFields, truncatedArrays: [] };
  }
}
