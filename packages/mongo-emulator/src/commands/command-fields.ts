/** Reading the common parts of a command document. */
import type { Document } from '../types';
import { MongoCommandError } from '../types';

/** Fields any command may carry that are about the request, not the operation. */
const GENERIC_FIELDS = new Set([
  '$db',
  '$clusterTime',
  '$readPreference',
  'lsid',
  'txnNumber',
  'autocommit',
  'startTransaction',
  'readConcern',
  'writeConcern',
  'maxTimeMS',
  'comment',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  '$audit',
  '$client',
]);

/** The collection a command names as its first value (`{find: 'users'}`). */
export function collectionName(ctx: { name: string; command: Document }): string {
  const value = ctx.command[ctx.name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new MongoCommandError(
      73,
      'InvalidNamespace',
      `collection name has invalid type ${value === null ? 'null' : typeof value}`,
    );
  }
  return value;
}

/** The command's own options: everything but its name and the generic request fields. */
export function operationOptions(name: string, command: Document): Document {
  const options: Document = {};
  for (const [key, value] of Object.entries(command)) {
    if (key !== name && !GENERIC_FIELDS.has(key)) options[key] = value;
  }
  return options;
}

/** A sub-document option, or an empty one when absent. */
export function documentField(command: Document, field: string): Document {
  const value = command[field];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Document) : {};
}
