/**
 * Deep copy of documents handed in or out of the engine. Containers and the mutable leaf types (Date,
 * Binary bytes) are copied; immutable bson values (ObjectId, Long, Int32, Double, Decimal128,
 * Timestamp) are shared, which keeps copies cheap without letting a caller reach stored state.
 */
import { Binary } from 'bson';
import { bsonTypeOf } from './bson-types';

export function deepCopy<T>(value: T): T {
  return copyValue(value) as T;
}

function copyValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copyValue);
  if (v instanceof Date) return new Date(v.getTime());
  if (v instanceof Uint8Array) return Uint8Array.from(v);
  const type = bsonTypeOf(v);
  if (type === 'object' && (v as { _bsontype?: unknown })._bsontype === undefined) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      // A stored `__proto__` field must stay a field, not become the copy's prototype.
      if (k === '__proto__') Object.defineProperty(out, k, { value: copyValue(x), enumerable: true, writable: true, configurable: true });
      else out[k] = copyValue(x);
    }
    return out;
  }
  if (type === 'binData' && v instanceof Binary) return new Binary(Uint8Array.from(v.value()), v.sub_type);
  return v;
}
