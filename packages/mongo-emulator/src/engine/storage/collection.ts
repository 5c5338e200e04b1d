/**
 * A collection's committed state: documents in a Map keyed by canonical `_id` key (Map order is
 * natural order: updates keep a document's place), secondary indexes kept in step with every write,
 * and the collection's options. Documents are replaced, never mutated, so a stored object is a
 * snapshot: identity doubles as a version for transaction conflict checks.
 */
import { randomUUID } from 'node:crypto';
import type { CollectionOptions, Document, Namespace } from '../../types';
import type { IndexSpec } from '../engine-api';
import { indexKey } from '../index-key';
import { duplicateKeyError } from './duplicate-key';
import { isPlainObject } from '../bson-types';
import { planCandidates, singleIdKey } from './query-planner';
import type { PlanSource } from './query-planner';
import type { ChangedPaths } from './index-relevance';
import { SecondaryIndex } from './secondary-index';
import type { IndexEntryKeys } from './secondary-index';

export interface StoredEntry {
  idKey: string;
  doc: Document;
  /** Insertion sequence: natural order, also across a transaction's overlay. */
  seq: number;
}

export const ID_INDEX_NAME = '_id_';

export class Collection implements PlanSource {
  readonly uuid: Uint8Array = Uint8Array.from(Buffer.from(randomUUID().replace(/-/g, ''), 'hex'));
  readonly docs = new Map<string, StoredEntry>();
  readonly indexes = new Map<string, SecondaryIndex>();
  private seq = 0;
  /** Candidates handed to matchers so far: what tests check to prove a lookup used an index. */
  docsExamined = 0;

  constructor(
    /** Changes only by renameCollection. */
    public ns: Namespace,
    public options: CollectionOptions,
  ) {}

  get preAndPostImages(): boolean {
    return this.options.changeStreamPreAndPostImages?.enabled === true;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  get(idKey: string): Document | undefined {
    return this.docs.get(idKey)?.doc;
  }

  indexList(): Iterable<SecondaryIndex> {
    return this.indexes.values();
  }

  /** Candidate entries for `filter` in natural order (all entries when no index applies). */
  candidates(filter: Document | undefined): StoredEntry[] {
    const idKey = isPlainObject(filter) ? singleIdKey(filter) : undefined;
    if (idKey !== undefined) {
      const entry = this.docs.get(idKey);
      if (!entry) return [];
      this.docsExamined += 1;
      return [entry];
    }
    const ids = planCandidates(filter, this);
    const entries =
      ids === null
        ? [...this.docs.values()]
        : ids
            .map(id => this.docs.get(id))
            .filter((e): e is StoredEntry => e !== undefined)
            .sort((a, b) => a.seq - b.seq);
    this.docsExamined += entries.length;
    return entries;
  }

  /**
   * Throws E11000 when `doc` would duplicate a unique key held by another document. `ignore` lets a
   * transaction's view skip documents it has replaced or deleted in its overlay.
   */
  checkUnique(
    doc: Document,
    idKey: string,
    ignore?: (otherId: string) => boolean,
    changed?: ChangedPaths,
  ): void {
    for (const index of this.indexes.values()) {
      if (!index.unique || !index.mayBeAffectedBy(changed)) continue;
      const keys = index.keysOf(doc);
      if (!keys) continue;
      for (const { key, values } of keys.full) {
        for (const other of index.lookupFull(key) ?? []) {
          if (other !== idKey && !ignore?.(other)) {
            throw duplicateKeyError(this.ns, index.name, index.spec.key, index.keyValue(values));
          }
        }
      }
    }
  }

  insert(doc: Document, seq = this.nextSeq()): void {
    const idKey = indexKey(doc._id);
    if (this.docs.has(idKey)) throw duplicateKeyError(this.ns, ID_INDEX_NAME, { _id: 1 }, { _id: doc._id });
    this.checkUnique(doc, idKey);
    this.docs.set(idKey, { idKey, doc, seq });
    for (const index of this.indexes.values()) index.add(idKey, index.keysOf(doc));
  }

  /**
   * `changed`, when given, are the paths the update changed: indexes on other paths keep their keys, so
   * they are neither recomputed nor checked for uniqueness again.
   */
  replace(idKey: string, doc: Document, changed?: ChangedPaths): void {
    const entry = this.docs.get(idKey);
    if (!entry) throw new Error(`replace of a missing document ${idKey}`);
    this.checkUnique(doc, idKey, undefined, changed);
    for (const index of this.indexes.values()) {
      if (!index.mayBeAffectedBy(changed)) continue;
      const before = index.keysOf(entry.doc);
      const after = index.keysOf(doc);
      if (sameKeys(before, after)) continue;
      index.remove(idKey, before);
      index.add(idKey, after);
    }
    entry.doc = doc;
  }

  remove(idKey: string): Document | undefined {
    const entry = this.docs.get(idKey);
    if (!entry) return undefined;
    for (const index of this.indexes.values()) index.remove(idKey, index.keysOf(entry.doc));
    this.docs.delete(idKey);
    return entry.doc;
  }

  /** Builds a new index over the existing documents; E11000 (and no index) on duplicates. */
  addIndex(spec: IndexSpec): void {
    const index = new SecondaryIndex(spec);
    for (const [idKey, { doc }] of this.docs) {
      const keys = index.keysOf(doc);
      if (index.unique && keys) {
        for (const { key, values } of keys.full) {
          const holders = index.lookupFull(key);
          if (holders && [...holders].some(h => h !== idKey)) {
            throw duplicateKeyError(this.ns, index.name, spec.key, index.keyValue(values));
          }
        }
      }
      index.add(idKey, keys);
    }
    this.indexes.set(spec.name, index);
  }
}

function sameKeys(a: IndexEntryKeys | undefined, b: IndexEntryKeys | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.full.length !== b.full.length || a.first.length !== b.first.length) return false;
  return a.full.every((k, i) => k.key === b.full[i].key) && a.first.every((k, i) => k === b.first[i]);
}
