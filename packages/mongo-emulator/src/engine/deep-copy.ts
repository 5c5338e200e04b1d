/**
 * Deep copy of documents handed in or out of the engine. Containers and the mutable leaf types (Date,
 * Binary bytes) are copied; immutable bson values (ObjectId, Long, Int32, Double, Decimal128,
 * Timestamp) are shared, which keeps copies cheap without letting a caller reach stored state.
 */
import { Binary } from 'bson';

export function deepCopy<T>(value: T): T {
  return copyValue(value) as T;
}

/** One level: a new array or plain object holding the same values (an update copies only what it writes). */
export function shallowCopy<T extends object>(value: T): T {
  if (Array.isArray(value)) return value.slice() as T;
  // Spread defines each own property as data, so a stored `__proto__` field stays a field.
  return { ...value };
}

function copyValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyValue(v[i]);
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  // A plain object from another realm (jest's vm context) has a prototype whose prototype is null.
  const plain =
    proto === Object.prototype ||
    proto === null ||
    (Object.getPrototypeOf(proto) === null && !('_bsontype' in v));
  if (plain) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const x = copyValue((v as Record<string, unknown>)[k]);
      // A stored `__proto__` field must stay a field, not become the copy's prototype.
      if (k === '__proto__')
        Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
      else out[k] = x;
    }
    return out;
  }
  if (v instanceof Date) return new Date(v.getTime());
  if (v instanceof Uint8Array) return Uint8Array.from(v);
  if (v instanceof Binary) return new Binary(Uint8Array.from(v.value()), v.sub_type);
  return v;
}
