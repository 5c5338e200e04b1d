/**
 * One secondary index: a hash from canonical key to the `_id` keys of the documents holding it.
 * Multikey like MongoDB's: every element of an array (and every `id` of `arr.id` across an array of
 * subdocuments) is a key of its own; a missing field is the null key unless the index is sparse.
 * Compound indexes also keep a map on their first field so a prefix equality can use them.
 */
import type { IndexSpec } from '../engine-api';
import type { Document } from '../../types';
import { pathValues, splitPath } from '../field-path';
import { compoundKey, indexKey } from '../index-key';
import type { Matcher } from '../query/query-matcher';
import { compileFilter } from '../query/query-matcher';
import { indexedPathsOf, mayAffect } from './index-relevance';
import type { ChangedPaths } from './index-relevance';

interface FieldKeys {
  keys: string[];
  values: unknown[];
  present: boolean;
}

export interface IndexEntryKeys {
  /** Full (compound) keys with a representative value per field, for E11000 reporting. */
  full: { key: string; values: unknown[] }[];
  /** Keys of the first field only. */
  first: string[];
}

const EMPTY_ARRAY_KEY = 'u';

function fieldKeys(doc: Document, parts: string[]): FieldKeys {
  const keys: string[] = [];
  const values: unknown[] = [];
  let present = false;
  const add = (key: string, value: unknown): void => {
    if (!keys.includes(key)) {
      keys.push(key);
      values.push(value);
    }
  };
  for (const c of pathValues(doc, parts)) {
    if (c.missing) add(indexKey(null), null);
    else {
      present = true;
      if (!Array.isArray(c.value)) add(indexKey(c.value), c.value);
      else if (c.value.length === 0) add(EMPTY_ARRAY_KEY, undefined);
      else for (const e of c.value) add(indexKey(e), e);
    }
  }
  if (keys.length === 0) add(indexKey(null), null);
  return { keys, values, present };
}

export class SecondaryIndex {
  readonly name: string;
  readonly paths: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly partial?: Matcher;
  private readonly fields: string[][];
  private readonly indexedPaths: ChangedPaths;
  private readonly entries = new Map<string, Set<string>>();
  private readonly byFirst?: Map<string, Set<string>>;

  constructor(readonly spec: IndexSpec) {
    this.name = spec.name;
    this.paths = Object.keys(spec.key);
    this.fields = this.paths.map(splitPath);
    this.indexedPaths = indexedPathsOf(this.fields);
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    if (spec.partialFilterExpression) this.partial = compileFilter(spec.partialFilterExpression);
    if (this.fields.length > 1) this.byFirst = new Map();
  }

  /** False only when an update that changed just `changed` cannot have changed this index's keys. */
  mayBeAffectedBy(changed: ChangedPaths | undefined): boolean {
    return changed === undefined || this.partial !== undefined || mayAffect(changed, this.indexedPaths);
  }

  /** Keys of `doc` in this index, or undefined when the index leaves the document out. */
  keysOf(doc: Document): IndexEntryKeys | undefined {
    if (this.partial && !this.partial(doc)) return undefined;
    const perField = this.fields.map(parts => fieldKeys(doc, parts));
    if (this.sparse && !perField.some(f => f.present)) return undefined;
    if (perField.length === 1) {
      const [only] = perField;
      return { full: only.keys.map((key, i) => ({ key, values: [only.values[i]] })), first: only.keys };
    }
    let combos: { parts: string[]; values: unknown[] }[] = [{ parts: [], values: [] }];
    for (const f of perField) {
      const next: typeof combos = [];
      for (const c of combos)
        f.keys.forEach((k, i) => next.push({ parts: [...c.parts, k], values: [...c.values, f.values[i]] }));
      combos = next;
    }
    return {
      full: combos.map(c => ({ key: compoundKey(c.parts), values: c.values })),
      first: perField[0].keys,
    };
  }

  add(idKey: string, keys: IndexEntryKeys | undefined): void {
    if (!keys) return;
    for (const { key } of keys.full) addTo(this.entries, key, idKey);
    if (this.byFirst) for (const key of keys.first) addTo(this.byFirst, key, idKey);
  }

  remove(idKey: string, keys: IndexEntryKeys | undefined): void {
    if (!keys) return;
    for (const { key } of keys.full) removeFrom(this.entries, key, idKey);
    if (this.byFirst) for (const key of keys.first) removeFrom(this.byFirst, key, idKey);
  }

  /** Documents whose first indexed field has `key` (a single-field index: whose field has it). */
  lookupFirst(key: string): ReadonlySet<string> | undefined {
    return (this.byFirst ?? this.entries).get(key);
  }

  /** Documents holding exactly this full key. */
  lookupFull(key: string): ReadonlySet<string> | undefined {
    return this.entries.get(key);
  }

  /** keyValue of an E11000 for this index. */
  keyValue(values: unknown[]): Document {
    const out: Document = {};
    this.paths.forEach((p, i) => (out[p] = values[i] === undefined ? null : values[i]));
    return out;
  }

  clear(): void {
    this.entries.clear();
    this.byFirst?.clear();
  }
}

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (set) set.add(id);
  else map.set(key, new Set([id]));
}

function removeFrom(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) map.delete(key);
}
