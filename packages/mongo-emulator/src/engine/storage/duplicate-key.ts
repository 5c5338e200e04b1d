/**
 * E11000 errors shaped like MongoDB's: the message names the namespace, the index and the duplicate
 * key in shell notation, and the error carries `keyPattern` and `keyValue`.
 */
import type { Long, ObjectId } from 'bson';
import { ErrorCodes, MongoCommandError } from '../../types';
import type { Document, Namespace } from '../../types';
import { bsonTypeOf, isNumericType, toNumber } from '../bson-types';
import { deepCopy } from '../deep-copy';

function shell(v: unknown): string {
  const type = bsonTypeOf(v);
  if (isNumericType(type)) return type === 'long' ? (v as Long).toString() : String(toNumber(v));
  switch (type) {
    case 'string':
      return JSON.stringify(v);
    case 'objectId':
      return `ObjectId('${(v as ObjectId).toHexString()}')`;
    case 'date':
      return `new Date(${(v as Date).getTime()})`;
    case 'null':
    case 'undefined':
      return 'null';
    case 'array':
      return `[ ${(v as unknown[]).map(shell).join(', ')} ]`;
    case 'object': {
      const entries = Object.entries(v as object).map(([k, x]) => `${k}: ${shell(x)}`);
      return entries.length ? `{ ${entries.join(', ')} }` : '{}';
    }
    default:
      return String(v);
  }
}

export function duplicateKeyError(
  ns: Namespace,
  indexName: string,
  keyPattern: Document,
  keyValue: Document,
): MongoCommandError {
  const dup = Object.entries(keyValue)
    .map(([k, v]) => `${k}: ${shell(v)}`)
    .join(', ');
  const { code, codeName } = ErrorCodes.DuplicateKey;
  return new MongoCommandError(
    code,
    codeName,
    `E11000 duplicate key error collection: ${ns.db}.${ns.coll} index: ${indexName} dup key: { ${dup} }`,
    { keyPattern: deepCopy(keyPattern), keyValue: deepCopy(keyValue) },
  );
}
