import { Double, Int32, Long, Timestamp } from 'bson';
import type { Document } from '../../../src/types';
import { DB, newFixture } from './engine-fixture';

/** Applies `u` to `doc` and returns the stored result and the change's updateDescription. */
function apply(doc: Document, u: Document) {
  const f = newFixture();
  f.insert('c', { _id: 1, ...doc });
  f.sink.clear();
  const result = f.updateOne('c', { _id: 1 }, u);
  const after = f.findOne('c', { _id: 1 });
  return { result, after, record: f.sink.last, description: f.sink.last?.updateDescription };
}

describe('field update operators', () => {
  it('$set on a dotted path creates nested documents, reported at the first new component', () => {
    const { after, description } = apply({}, { $set: { 'a.b.c': 1 } });
    expect(after).toStrictEqual({ _id: 1, a: { b: { c: 1 } } });
    expect(description).toStrictEqual({
      updatedFields: { a: { b: { c: 1 } } },
      removedFields: [],
      truncatedArrays: [],
    });
  });

  it('$set on an existing nested field reports the dotted path', () => {
    const { after, description } = apply({ a: { b: 0, c: 2 } }, { $set: { 'a.b': 1 } });
    expect(after).toStrictEqual({ _id: 1, a: { b: 1, c: 2 } });
    expect(description?.updatedFields).toStrictEqual({ 'a.b': 1 });
  });

  it('$set of a whole subdocument reports the subdocument', () => {
    const { description } = apply({ a: { b: 0, c: 2 } }, { $set: { a: { b: 1 } } });
    expect(description?.updatedFields).toStrictEqual({ a: { b: 1 } });
  });

  it('$set to the current value is a no-op: nModified 0 and no change record', () => {
    const { result, record } = apply(
      { name: 'x', n: new Int32(1) },
      { $set: { name: 'x', n: new Int32(1) } },
    );
    expect(result).toMatchObject({ n: 1, nModified: 0 });
    expect(record).toBeUndefined();
  });

  it('$set changing only the numeric type is a change (binary comparison, as MongoDB)', () => {
    const { result, after } = apply({ n: new Int32(1) }, { $set: { n: new Double(1) } });
    expect(result.nModified).toBe(1);
    expect(after?.n).toBeInstanceOf(Double);
  });

  it('only the changed fields of a multi-field $set are reported', () => {
    const { description } = apply({ a: 1, b: 2 }, { $set: { a: 1, b: 3 } });
    expect(description?.updatedFields).toStrictEqual({ b: 3 });
  });

  it('$unset removes fields and reports them; unsetting a missing field changes nothing', () => {
    const { after, description } = apply(
      { x: 1, y: { z: 2 } },
      { $unset: { x: '', 'y.z': '', missing: '' } },
    );
    expect(after).toStrictEqual({ _id: 1, y: {} });
    expect(description).toStrictEqual({
      updatedFields: {},
      removedFields: ['x', 'y.z'],
      truncatedArrays: [],
    });
    expect(apply({ x: 1 }, { $unset: { missing: '' } }).result.nModified).toBe(0);
  });

  it('$inc keeps Int32 an Int32, promotes to Double and Long, creates missing fields', () => {
    const ints = apply({ n: new Int32(5) }, { $inc: { n: new Int32(2), m: new Int32(3) } });
    expect(ints.after?.n).toStrictEqual(new Int32(7));
    expect(ints.after?.m).toStrictEqual(new Int32(3));
    expect(ints.description?.updatedFields).toStrictEqual({ n: new Int32(7), m: new Int32(3) });
    expect(apply({ n: new Int32(5) }, { $inc: { n: new Double(0.5) } }).after?.n).toStrictEqual(
      new Double(5.5),
    );
    expect(apply({ n: new Int32(5) }, { $inc: { n: Long.fromNumber(1) } }).after?.n).toStrictEqual(
      Long.fromNumber(6),
    );
    expect(apply({ n: new Int32(2147483647) }, { $inc: { n: new Int32(1) } }).after?.n).toStrictEqual(
      Long.fromNumber(2147483648),
    );
  });

  it('$inc by zero is a no-op; $inc on a string is TypeMismatch (14)', () => {
    expect(apply({ n: new Int32(5) }, { $inc: { n: new Int32(0) } }).result.nModified).toBe(0);
    const { result } = apply({ n: 'five' }, { $inc: { n: new Int32(1) } });
    expect(result.writeErrors[0]).toMatchObject({ index: 0, code: 14 });
  });

  it('$mul multiplies and sets a missing field to zero of the argument type', () => {
    const { after } = apply({ p: new Double(2.5) }, { $mul: { p: new Int32(2), q: new Int32(7) } });
    expect(after).toStrictEqual({ _id: 1, p: new Double(5), q: new Int32(0) });
  });

  it('$min and $max change only when the argument is lower / higher', () => {
    expect(apply({ lo: 5, hi: 5 }, { $min: { lo: 3 }, $max: { hi: 9 } }).after).toStrictEqual({
      _id: 1,
      lo: 3,
      hi: 9,
    });
    expect(apply({ lo: 5 }, { $min: { lo: 7 } }).result.nModified).toBe(0);
    expect(apply({ d: new Date(1000) }, { $max: { d: new Date(2000) } }).after?.d).toStrictEqual(
      new Date(2000),
    );
  });

  it('$rename moves a field, reporting the removal and the new field', () => {
    const { after, description } = apply({ a: 1, b: 2 }, { $rename: { a: 'c.d' } });
    expect(after).toStrictEqual({ _id: 1, b: 2, c: { d: 1 } });
    expect(description).toStrictEqual({
      updatedFields: { c: { d: 1 } },
      removedFields: ['a'],
      truncatedArrays: [],
    });
  });

  it('$currentDate sets a Date or a Timestamp', () => {
    const { after } = apply({}, { $currentDate: { at: true, ts: { $type: 'timestamp' } } });
    expect(after?.at).toBeInstanceOf(Date);
    expect(after?.ts).toBeInstanceOf(Timestamp);
  });

  it('$setOnInsert does nothing when the document exists', () => {
    expect(apply({ a: 1 }, { $setOnInsert: { b: 2 } }).result.nModified).toBe(0);
  });

  it('$bit applies and/or/xor to integers', () => {
    expect(
      apply({ f: new Int32(0b1100) }, { $bit: { f: { and: new Int32(0b1010) } } }).after?.f,
    ).toStrictEqual(new Int32(0b1000));
    expect(
      apply({ f: new Int32(0b1100) }, { $bit: { f: { or: new Int32(0b0011) } } }).after?.f,
    ).toStrictEqual(new Int32(0b1111));
  });

  it('new fields are added in field-name order, as MongoDB does', () => {
    expect(Object.keys(apply({}, { $set: { b: 1, a: 1 } }).after ?? {})).toStrictEqual(['_id', 'a', 'b']);
  });
});

describe('array update operators', () => {
  const arr = { arr: [new Int32(1), new Int32(2), new Int32(3)] };

  it('$push appending to a non-empty array reports each new element', () => {
    const { after, description } = apply(arr, { $push: { arr: new Int32(4) } });
    expect(after?.arr).toStrictEqual([1, 2, 3, 4].map(n => new Int32(n)));
    expect(description?.updatedFields).toStrictEqual({ 'arr.3': new Int32(4) });
    expect(apply(arr, { $push: { arr: { $each: ['a', 'b'] } } }).description?.updatedFields).toStrictEqual({
      'arr.3': 'a',
      'arr.4': 'b',
    });
  });

  it('$push onto a missing or empty array reports the whole array', () => {
    expect(apply({}, { $push: { arr: 'x' } }).description?.updatedFields).toStrictEqual({ arr: ['x'] });
    expect(apply({ arr: [] }, { $push: { arr: 'x' } }).description?.updatedFields).toStrictEqual({
      arr: ['x'],
    });
  });

  it('$push with $position, $sort and $slice rewrites the array and reports it whole', () => {
    const positioned = apply(arr, { $push: { arr: { $each: [new Int32(0)], $position: new Int32(0) } } });
    expect(positioned.after?.arr).toStrictEqual([0, 1, 2, 3].map(n => new Int32(n)));
    expect(positioned.description?.updatedFields).toStrictEqual({ arr: [0, 1, 2, 3].map(n => new Int32(n)) });
    const sorted = apply({ s: [3, 1] }, { $push: { s: { $each: [2], $sort: -1, $slice: 2 } } });
    expect(sorted.after?.s).toStrictEqual([3, 2]);
    const docs = apply(
      { s: [{ v: 2 }, { v: 1 }] },
      { $push: { s: { $each: [{ v: 3 }], $sort: { v: 1 }, $slice: -2 } } },
    );
    expect(docs.after?.s).toStrictEqual([{ v: 2 }, { v: 3 }]);
  });

  it('$pull by value, by condition and by document query reports the whole new array', () => {
    const byValue = apply(arr, { $pull: { arr: new Int32(2) } });
    expect(byValue.after?.arr).toStrictEqual([new Int32(1), new Int32(3)]);
    expect(byValue.description).toStrictEqual({
      updatedFields: { arr: [new Int32(1), new Int32(3)] },
      removedFields: [],
      truncatedArrays: [],
    });
    expect(apply(arr, { $pull: { arr: { $gte: 2 } } }).after?.arr).toStrictEqual([new Int32(1)]);
    const docs = apply(
      {
        r: [
          { id: 1, n: 'a' },
          { id: 2, n: 'b' },
        ],
      },
      { $pull: { r: { id: 2 } } },
    );
    expect(docs.after?.r).toStrictEqual([{ id: 1, n: 'a' }]);
    expect(apply(arr, { $pull: { arr: 9 } }).result.nModified).toBe(0);
  });

  it('$pullAll removes every listed value', () => {
    expect(apply({ a: [1, 2, 1, 3] }, { $pullAll: { a: [1, 3] } }).after?.a).toStrictEqual([2]);
  });

  it('$addToSet with $each adds only missing values (numbers compared across types)', () => {
    const { after, description } = apply(arr, {
      $addToSet: { arr: { $each: [new Double(3), new Int32(4), new Int32(4)] } },
    });
    expect(after?.arr).toStrictEqual([1, 2, 3, 4].map(n => new Int32(n)));
    expect(description?.updatedFields).toStrictEqual({ arr: [1, 2, 3, 4].map(n => new Int32(n)) });
    expect(apply(arr, { $addToSet: { arr: new Int32(1) } }).result.nModified).toBe(0);
  });

  it('$pop removes the last or first element; popping an empty array is a no-op', () => {
    expect(apply({ a: [1, 2, 3] }, { $pop: { a: 1 } }).after?.a).toStrictEqual([1, 2]);
    expect(apply({ a: [1, 2, 3] }, { $pop: { a: -1 } }).description?.updatedFields).toStrictEqual({
      a: [2, 3],
    });
    expect(apply({ a: [] }, { $pop: { a: 1 } }).result.nModified).toBe(0);
  });

  it('$push on a non-array is BadValue (2)', () => {
    expect(apply({ a: 'x' }, { $push: { a: 1 } }).result.writeErrors[0].code).toBe(2);
  });
});

describe('update validation', () => {
  it('rejects unknown modifiers (9), conflicting paths (40) and _id changes (66)', () => {
    expect(apply({}, { $foo: { a: 1 } }).result.writeErrors[0].code).toBe(9);
    const conflict = apply({}, { $set: { 'a.b': 1 }, $inc: { a: 1 } }).result.writeErrors[0];
    expect(conflict).toMatchObject({ code: 40, codeName: 'ConflictingUpdateOperators' });
    expect(apply({}, { $set: { _id: 2 } }).result.writeErrors[0]).toMatchObject({
      code: 66,
      codeName: 'ImmutableField',
    });
    expect(apply({}, { $set: { _id: 1 } }).result).toMatchObject({ n: 1, nModified: 0, writeErrors: [] });
  });

  it('keeps _id on replacement and refuses a different one', () => {
    const f = newFixture();
    f.engine.createCollection(DB, 'c', { changeStreamPreAndPostImages: { enabled: true } });
    f.insert('c', { _id: 1, a: 1 });
    expect(f.updateOne('c', { _id: 1 }, { b: 2 }).nModified).toBe(1);
    expect(f.findOne('c')).toStrictEqual({ _id: 1, b: 2 });
    expect(f.sink.last).toMatchObject({
      operationType: 'replace',
      fullDocument: { _id: 1, b: 2 },
      fullDocumentBeforeChange: { _id: 1, a: 1 },
    });
    expect(f.updateOne('c', { _id: 1 }, { _id: 2, b: 3 }).writeErrors[0].code).toBe(66);
    expect(f.updateOne('c', { _id: 1 }, { b: 2 }).nModified).toBe(0);
  });
});
