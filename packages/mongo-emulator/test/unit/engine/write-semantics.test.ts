import { Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import { DB, ORDERED, UNORDERED, newFixture } from './engine-fixture';

describe('upsert', () => {
  it('seeds equality fields of the filter (dotted, $eq, $and, _id), then applies the update and $setOnInsert', () => {
    const f = newFixture();
    const result = f.updateOne(
      'c',
      { _id: 7, 'profile.email': 'a@x.io', kind: { $eq: 'user' }, $and: [{ tier: 2 }], age: { $gt: 3 } },
      { $set: { name: 'A' }, $setOnInsert: { createdBy: 'seed' } },
      { upsert: true },
    );
    expect(result).toMatchObject({ n: 1, nModified: 0, upserted: [{ index: 0, _id: 7 }] });
    expect(f.findOne('c')).toStrictEqual({
      _id: 7,
      profile: { email: 'a@x.io' },
      kind: 'user',
      tier: 2,
      createdBy: 'seed',
      name: 'A',
    });
    expect(f.sink.last).toMatchObject({ operationType: 'insert', documentKey: { _id: 7 } });
  });

  it('generates an ObjectId first when the filter has no _id; a match updates instead', () => {
    const f = newFixture();
    f.updateOne('c', { email: 'e' }, { $inc: { n: new Int32(1) } }, { upsert: true });
    const doc = f.findOne('c');
    expect(Object.keys(doc ?? {})).toEqual(['_id', 'email', 'n']);
    expect(doc?._id).toBeInstanceOf(ObjectId);
    expect(f.updateOne('c', { email: 'e' }, { $inc: { n: new Int32(1) } }, { upsert: true })).toMatchObject({
      n: 1,
      nModified: 1,
      upserted: [],
    });
  });

  it('replacement upsert keeps the filter _id', () => {
    const f = newFixture();
    f.updateOne('c', { _id: 'k' }, { v: 1 }, { upsert: true });
    expect(f.findOne('c')).toEqual({ _id: 'k', v: 1 });
  });

  it('pipeline upsert and pipeline updates use mingo, reporting truncated arrays', () => {
    const f = newFixture();
    f.updateOne('c', { _id: 1 }, [{ $set: { total: { $add: [1, 2] } } }], { upsert: true });
    expect(f.findOne('c')).toStrictEqual({ _id: 1, total: new Int32(3) });
    f.insert('d', { _id: 1, keep: Long.fromNumber(5), arr: [1, 2, 3], gone: true });
    f.updateOne('d', { _id: 1 }, [{ $set: { arr: { $slice: ['$arr', 2] }, x: 'y' } }, { $unset: 'gone' }]);
    expect(f.findOne('d')).toStrictEqual({ _id: 1, keep: Long.fromNumber(5), arr: [1, 2], x: 'y' });
    expect(f.sink.last?.updateDescription).toEqual({
      updatedFields: { x: 'y' },
      removedFields: ['gone'],
      truncatedArrays: [{ field: 'arr', newSize: 2 }],
    });
  });
});

describe('n / nModified and batches', () => {
  it('counts matched and modified documents exactly', () => {
    const f = newFixture();
    f.insert('c', { _id: 1, s: 'a' }, { _id: 2, s: 'b' }, { _id: 3, s: 'a' });
    expect(f.updateMany('c', {}, { $set: { s: 'a' } })).toMatchObject({ n: 3, nModified: 1 });
    expect(f.updateOne('c', { s: 'a' }, { $set: { t: 1 } })).toMatchObject({ n: 1, nModified: 1 });
    expect(f.engine.delete(DB, 'c', [{ q: { s: 'a' }, limit: 1 }], ORDERED).n).toBe(1);
    expect(f.engine.delete(DB, 'c', [{ q: {}, limit: 0 }], ORDERED).n).toBe(2);
  });

  it('ordered batches stop at the first error, unordered ones go on; writeErrors carry the index', () => {
    const f = newFixture();
    const docs = [{ _id: 1 }, { _id: 1 }, { _id: 2 }];
    const ordered = f.engine.insert(DB, 'o', docs, ORDERED);
    expect(ordered.n).toBe(1);
    expect(ordered.writeErrors).toEqual([
      expect.objectContaining({ index: 1, code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 1 } }),
    ]);
    const unordered = f.engine.insert(DB, 'u', docs, UNORDERED);
    expect(unordered.n).toBe(2);
    expect(unordered.writeErrors.map(e => e.index)).toEqual([1]);
    const updates = f.engine.update(
      DB,
      'u',
      [
        { q: { _id: 1 }, u: { $inc: { a: 'x' } } },
        { q: { _id: 2 }, u: { $set: { a: 1 } } },
      ],
      UNORDERED,
    );
    expect(updates).toMatchObject({ n: 1, nModified: 1 });
    expect(updates.writeErrors[0]).toMatchObject({ index: 0, code: 14 });
  });

  it('insert puts a generated _id first and refuses an array _id', () => {
    const f = newFixture();
    f.insert('c', { a: 1 });
    expect(Object.keys(f.findOne('c') ?? {})).toEqual(['_id', 'a']);
    f.insert('c', { b: 1, _id: 'late' });
    expect(Object.keys(f.findOne('c', { _id: 'late' }) ?? {})).toEqual(['_id', 'b']);
    expect(f.engine.insert(DB, 'c', [{ _id: [1] }], ORDERED).writeErrors[0].code).toBe(2);
  });
});

describe('BSON values', () => {
  it('round-trip with their types', () => {
    const f = newFixture();
    const doc = {
      _id: new ObjectId(),
      i: new Int32(1),
      d: new Double(1),
      l: Long.fromNumber(1),
      dec: Decimal128.fromString('1.5'),
      at: new Date(5),
    };
    f.insert('c', doc);
    expect(f.findOne('c')).toStrictEqual(doc);
  });

  it('match numbers across types and ObjectIds by value', () => {
    const f = newFixture();
    const id = new ObjectId();
    f.insert('c', { _id: 1, n: new Int32(5), ref: id }, { _id: 2, n: new Double(5.5), ref: new ObjectId() });
    expect(f.findAll('c', { n: Long.fromNumber(5) }).map(d => d._id)).toEqual([1]);
    expect(f.findAll('c', { n: { $gt: new Int32(5) } }).map(d => d._id)).toEqual([2]);
    expect(f.findAll('c', { ref: new ObjectId(id.toHexString()) }).map(d => d._id)).toEqual([1]);
    expect(f.findAll('c', { ref: { $in: [id] }, n: { $type: 'int' } }).map(d => d._id)).toEqual([1]);
    expect(f.findAll('c', { ref: { $type: 'objectId' } })).toHaveLength(2);
  });

  it('hands out copies: changing a result or a change record never changes stored data', () => {
    const f = newFixture();
    f.engine.createCollection(DB, 'c', { changeStreamPreAndPostImages: { enabled: true } });
    f.insert('c', { _id: 1, tags: ['a'], sub: { at: new Date(1) } });
    const found = f.findOne('c');
    found?.tags.push('mutated');
    (f.sink.last?.fullDocument as { sub: { at: Date } }).sub.at.setTime(99);
    expect(f.findOne('c')).toEqual({ _id: 1, tags: ['a'], sub: { at: new Date(1) } });
    f.updateOne('c', { _id: 1 }, { $push: { tags: 'b' } });
    expect(found?.tags).toEqual(['a', 'mutated']);
    expect(f.sink.last?.fullDocumentBeforeChange).toEqual({ _id: 1, tags: ['a'], sub: { at: new Date(1) } });
  });
});

describe('findAndModify', () => {
  it('updates the first document by sort and returns the pre- or post-image with fields', () => {
    const f = newFixture();
    f.insert('c', { _id: 1, p: 2, n: 0 }, { _id: 2, p: 1, n: 0 });
    const pre = f.engine.findAndModify(DB, 'c', {
      query: {},
      sort: { p: 1 },
      update: { $inc: { n: 1 } },
      fields: { n: 1 },
    });
    expect(pre).toEqual({ value: { _id: 2, n: 0 }, lastErrorObject: { n: 1, updatedExisting: true } });
    const post = f.engine.findAndModify(DB, 'c', {
      query: { _id: 2 },
      update: { $inc: { n: 1 } },
      new: true,
    });
    expect(post.value).toEqual({ _id: 2, p: 1, n: 2 });
  });

  it('removes, upserts and applies arrayFilters', () => {
    const f = newFixture();
    f.engine.createCollection(DB, 'c', { changeStreamPreAndPostImages: { enabled: true } });
    f.insert('c', { _id: 1, a: [{ k: 1, v: 0 }] });
    const up = f.engine.findAndModify(DB, 'c', {
      query: { _id: 2 },
      update: { $set: { v: 1 } },
      upsert: true,
      new: true,
    });
    expect(up).toEqual({
      value: { _id: 2, v: 1 },
      lastErrorObject: { n: 1, updatedExisting: false, upserted: 2 },
    });
    const af = f.engine.findAndModify(DB, 'c', {
      query: { _id: 1 },
      update: { $set: { 'a.$[e].v': 5 } },
      arrayFilters: [{ 'e.k': 1 }],
      new: true,
    });
    expect(af.value).toEqual({ _id: 1, a: [{ k: 1, v: 5 }] });
    const removed = f.engine.findAndModify(DB, 'c', { query: { _id: 1 }, remove: true });
    expect(removed).toEqual({ value: { _id: 1, a: [{ k: 1, v: 5 }] }, lastErrorObject: { n: 1 } });
    expect(f.sink.last).toMatchObject({ operationType: 'delete', fullDocumentBeforeChange: { _id: 1 } });
    expect(f.engine.findAndModify(DB, 'c', { query: { _id: 9 }, remove: true })).toEqual({
      value: null,
      lastErrorObject: { n: 0 },
    });
  });
});
