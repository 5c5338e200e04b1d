/**
 * createIndexes / listIndexes / dropIndexes on one collection, with MongoDB's naming
 * (`field_1_other_-1`), its conflict rules and the always-present `_id_` index.
 */
import { ErrorCodes, commandError } from '../../types';
import type { Document } from '../../types';
import { isPlainObject, numberArg } from '../bson-types';
import { deepCopy } from '../deep-copy';
import type { IndexSpec } from '../engine-api';
import { badValue, errorOf, ExtraErrorCodes } from '../engine-errors';
import { indexKey } from '../index-key';
import { ID_INDEX_NAME } from './collection';
import type { Collection } from './collection';

const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: ID_INDEX_NAME };

export function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([field, dir]) => `${field}_${typeof dir === 'string' ? dir : numberArg(dir)}`)
    .join('_');
}

function isIdKey(key: Document): boolean {
  const fields = Object.keys(key);
  return fields.length === 1 && fields[0] === '_id';
}

function describe(spec: IndexSpec): string {
  return JSON.stringify(spec);
}

function normalize(spec: IndexSpec): IndexSpec {
  if (!isPlainObject(spec) || !isPlainObject(spec.key) || Object.keys(spec.key).length === 0) {
    throw errorOf(ErrorCodes.FailedToParse, 'Index keys cannot be an empty field.');
  }
  for (const [field, dir] of Object.entries(spec.key)) {
    if (field === '') throw badValue('Index keys cannot be an empty field.');
    if (typeof dir !== 'string' && (Number.isNaN(numberArg(dir)) || numberArg(dir) === 0)) {
      throw errorOf(
        ExtraErrorCodes.Location(67),
        `Values in index key pattern must be non-zero numbers or strings: ${field}: ${JSON.stringify(dir)}`,
      );
    }
  }
  const name = typeof spec.name === 'string' && spec.name !== '' ? spec.name : defaultIndexName(spec.key);
  return { v: 2, ...deepCopy(spec), name };
}

const sameKey = (a: Document, b: Document): boolean => indexKey(a) === indexKey(b);

function optionsSignature(s: IndexSpec): string {
  const ttl = s.expireAfterSeconds === undefined ? null : numberArg(s.expireAfterSeconds);
  return JSON.stringify([
    s.unique === true,
    s.sparse === true,
    indexKey(s.partialFilterExpression ?? null),
    ttl,
  ]);
}

const sameOptions = (a: IndexSpec, b: IndexSpec): boolean => optionsSignature(a) === optionsSignature(b);

export function createIndexes(coll: Collection, specs: IndexSpec[]): { before: number; after: number } {
  const before = coll.indexes.size + 1;
  const pending = specs.map(normalize);
  for (const spec of pending) {
    if (isIdKey(spec.key) && !spec.unique) continue;
    const byName = spec.name === ID_INDEX_NAME ? ID_INDEX : coll.indexes.get(spec.name)?.spec;
    if (byName) {
      if (sameKey(byName.key, spec.key) && sameOptions(byName, spec)) continue;
      throw commandError(
        ErrorCodes.IndexKeySpecsConflict,
        `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${describe(spec)}, existing index: ${describe(byName)}`,
      );
    }
    for (const existing of coll.indexes.values()) {
      if (
        sameKey(existing.spec.key, spec.key) &&
        indexKey(existing.spec.partialFilterExpression ?? null) ===
          indexKey(spec.partialFilterExpression ?? null)
      ) {
        throw commandError(
          ErrorCodes.IndexOptionsConflict,
          `Index already exists with a different name: ${existing.name}`,
        );
      }
    }
    coll.addIndex(spec);
  }
  return { before, after: coll.indexes.size + 1 };
}

export function listIndexes(coll: Collection): IndexSpec[] {
  return [deepCopy(ID_INDEX), ...[...coll.indexes.values()].map(i => deepCopy(i.spec))];
}

export function dropIndexes(coll: Collection, which: string | string[] | Document): number {
  const was = coll.indexes.size + 1;
  if (which === '*') {
    coll.indexes.clear();
    return was;
  }
  const names: string[] = [];
  if (typeof which === 'string') names.push(which);
  else if (Array.isArray(which)) names.push(...which);
  else {
    const found = [...coll.indexes.values()].find(i => sameKey(i.spec.key, which));
    if (!found) {
      if (isIdKey(which)) throw errorOf(ExtraErrorCodes.InvalidOptions, 'cannot drop _id index');
      throw commandError(ErrorCodes.IndexNotFound, `can't find index with key: ${JSON.stringify(which)}`);
    }
    names.push(found.name);
  }
  for (const name of names) {
    if (name === ID_INDEX_NAME) throw errorOf(ExtraErrorCodes.InvalidOptions, 'cannot drop _id index');
    if (!coll.indexes.has(name))
      throw commandError(ErrorCodes.IndexNotFound, `index not found with name [${name}]`);
  }
  for (const name of names) coll.indexes.delete(name);
  return was;
}
