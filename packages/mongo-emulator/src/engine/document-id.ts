/**
 * `_id` rules for stored documents: always present, always the first field, never an array, regex or
 * undefined (MongoDB rejects those as `_id` values).
 */
import { ObjectId } from 'bson';
import type { Document } from '../types';
import { bsonTypeOf } from './bson-types';
import { badValue } from './engine-errors';

export function validateId(id: unknown): void {
  const type = bsonTypeOf(id);
  if (type === 'array') throw badValue(`The '_id' value cannot be of type array`);
  if (type === 'regex') throw badValue(`can't use a regex for _id`);
  if (type === 'undefined') throw badValue(`can't use a undefined for _id`);
}

/** The same document with `_id` moved to the front (a new object only when it was not there already). */
export function withIdFirst(doc: Document): Document {
  const keys = Object.keys(doc);
  if (keys[0] === '_id' || !keys.includes('_id')) return doc;
  const out: Document = { _id: doc._id };
  for (const k of keys) if (k !== '_id') out[k] = doc[k];
  return out;
}

/** Adds a new ObjectId when `_id` is missing, validates it, and puts it first. */
export function ensureId(doc: Document): Document {
  const withId = '_id' in doc ? doc : { _id: new ObjectId(), ...doc };
  validateId(withId._id);
  return withIdFirst(withId);
}
