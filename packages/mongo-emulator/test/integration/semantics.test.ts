/**
 * Query and update semantics through the official driver, written to pass unchanged against a real
 * MongoDB 7 replica set (MONGO_URL) as against the emulator: no reliance on natural order or on
 * exact error wording beyond what MongoDB documents.
 */
import { Double, Int32, Long, MongoServerError, ObjectId } from 'mongodb';
import type { ChangeStreamDocument, Collection, Db, Document, UpdateFilter } from 'mongodb';
import { useDriverDatabase } from '../support/driver-database';
import { assertNothingLeaked, trackChangeStream } from '../support/leak-guard';

jest.setTimeout(30_000);

/** Test documents use plain or ObjectId ids and any fields. */
type Row = { _id?: string | number | ObjectId } & Document;

let db: Db;
useDriverDatabase(opened => ({ db } = opened));
let n = 0;

afterEach(() => assertNothingLeaked());

/** A fresh collection per test. */
async function fresh(docs: Row[] = []): Promise<Collection<Row>> {
  const coll = db.collection<Row>(`c${++n}`);
  if (docs.length) await coll.insertMany(docs);
  return coll;
}

const ids = (docs: Row[]) => docs.map(d => d._id);
/** The driver's update typings reject array operators on schemaless documents. */
const u = (update: Document) => update as UpdateFilter<Row>;

describe('queries', () => {
  it('match arrays, dotted paths, null/missing and type-bracketed ranges', async () => {
    const coll = await fresh([
      { _id: 1, tags: ['a', 'b'], r: [{ id: 1 }, { id: 2 }], v: 5 },
      { _id: 2, tags: ['c'], r: [{ id: 3 }, { x: 1 }], v: 'five' },
      { _id: 3, v: null },
    ]);
    const q = async (filter: Document) => ids(await coll.find(filter).sort({ _id: 1 }).toArray());
    expect(await q({ tags: 'b' })).toEqual([1]);
    expect(await q({ 'r.id': 2 })).toEqual([1]);
    expect(await q({ 'r.id': null })).toEqual([2, 3]);
    expect(await q({ v: { $gt: 1 } })).toEqual([1]);
    expect(await q({ tags: { $size: 1 } })).toEqual([2]);
    expect(await q({ tags: { $all: ['b', 'a'] } })).toEqual([1]);
    expect(await q({ r: { $elemMatch: { id: { $gt: 1, $lt: 3 } } } })).toEqual([1]);
    expect(await q({ v: { $exists: true, $ne: null } })).toEqual([1, 2]);
    expect(await q({ v: { $type: 'string' } })).toEqual([2]);
    expect(await q({ $or: [{ v: 5 }, { tags: /^c/ }] })).toEqual([1, 2]);
    expect(await q({ $nor: [{ v: 5 }, { v: null }] })).toEqual([2]);
    expect(await q({ tags: { $not: { $in: ['a', 'c'] } } })).toEqual([3]);
  });

  it('compare numbers across BSON types and ObjectIds by value', async () => {
    const ref = new ObjectId();
    const coll = await fresh([
      { _id: 1, n: new Int32(5), ref },
      { _id: 2, n: new Double(5.5), ref: new ObjectId() },
      { _id: 3, n: Long.fromNumber(7) },
    ]);
    expect(
      ids(
        await coll
          .find({ n: { $gte: 5.5 } })
          .sort({ n: 1 })
          .toArray(),
      ),
    ).toEqual([2, 3]);
    expect(ids(await coll.find({ n: Long.fromNumber(5) }).toArray())).toEqual([1]);
    expect(ids(await coll.find({ ref: new ObjectId(ref.toHexString()) }).toArray())).toEqual([1]);
    expect(
      ids(
        await coll
          .find({ ref: { $type: 'objectId' } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2]);
  });

  it('keeps BSON types on the way back', async () => {
    const doc = {
      _id: new ObjectId(),
      i: new Int32(1),
      d: new Double(2),
      l: Long.fromNumber(3),
      at: new Date(4),
    };
    const coll = await fresh([doc]);
    expect(await coll.findOne({}, { promoteValues: false })).toStrictEqual(doc);
  });

  it('projects, sorts, skips and limits', async () => {
    const coll = await fresh([
      { _id: 1, name: 'b', a: { x: 1, y: 2 }, s: [3, 1], k: 2 },
      { _id: 2, name: 'a', a: { x: 2, y: 1 }, s: [2], k: 2 },
      { _id: 3, name: 'c', a: { x: 3, y: 0 }, k: 1 },
    ]);
    const sorted = await coll
      .find({}, { projection: { name: 1 } })
      .sort({ k: -1, name: 1 })
      .skip(1)
      .limit(2)
      .toArray();
    expect(sorted).toEqual([
      { _id: 1, name: 'b' },
      { _id: 3, name: 'c' },
    ]);
    expect(await coll.findOne({ _id: 1 }, { projection: { 'a.x': 1, _id: 0 } })).toEqual({ a: { x: 1 } });
    expect(await coll.findOne({ _id: 1 }, { projection: { a: 0, s: 0 } })).toEqual({
      _id: 1,
      name: 'b',
      k: 2,
    });
    expect(await coll.findOne({ s: 1 }, { projection: { 's.$': 1 } })).toEqual({ _id: 1, s: [1] });
    expect(await coll.findOne({ _id: 1 }, { projection: { s: { $slice: 1 }, k: 1 } })).toEqual({
      _id: 1,
      s: [3],
      k: 2,
    });
    expect(ids(await coll.find().sort({ s: 1 }).toArray())).toEqual([3, 1, 2]);
    expect(await coll.countDocuments({ k: 2 })).toBe(2);
    expect((await coll.distinct('s')).sort()).toEqual([1, 2, 3]);
  });
});

describe('updates', () => {
  it('applies every operator', async () => {
    const coll = await fresh([
      { _id: 1, n: 1, m: 4, lo: 5, hi: 5, old: 'x', arr: [1, 2, 3], set: ['a'], pop: [1, 2], gone: true },
    ]);
    await coll.updateOne(
      { _id: 1 },
      u({
        $set: { 'nested.deep': 1 },
        $unset: { gone: '' },
        $inc: { n: 2 },
        $mul: { m: 0.5 },
        $min: { lo: 3 },
        $max: { hi: 9 },
        $rename: { old: 'renamed' },
        $currentDate: { at: true },
        $push: { arr: { $each: [0], $position: 0, $slice: 3 } },
        $addToSet: { set: { $each: ['a', 'b'] } },
        $pop: { pop: -1 },
      }),
    );
    const doc = await coll.findOne({ _id: 1 });
    expect(doc).toMatchObject({
      n: 3,
      m: 2,
      lo: 3,
      hi: 9,
      renamed: 'x',
      arr: [0, 1, 2],
      set: ['a', 'b'],
      pop: [2],
      nested: { deep: 1 },
    });
    expect(doc?.gone).toBeUndefined();
    expect(doc?.at).toBeInstanceOf(Date);
    await coll.updateOne({ _id: 1 }, u({ $pull: { arr: { $gte: 1 } }, $pullAll: { set: ['b'] } }));
    expect(await coll.findOne({ _id: 1 }, { projection: { arr: 1, set: 1 } })).toEqual({
      _id: 1,
      arr: [0],
      set: ['a'],
    });
  });

  it('updates nested array elements with arrayFilters and positional $', async () => {
    const [u1, u2] = [new ObjectId(), new ObjectId()];
    const coll = await fresh([
      {
        _id: 1,
        metadata: {
          responsible: [
            { id: u1, name: 'a' },
            { id: u2, name: 'b' },
          ],
        },
      },
    ]);
    const res = await coll.updateMany(
      { 'metadata.responsible.id': u2 },
      { $set: { 'metadata.responsible.$[el]': { id: u2, name: 'B' } } },
      { arrayFilters: [{ 'el.id': u2 }] },
    );
    expect(res).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    await coll.updateOne({ 'metadata.responsible.id': u1 }, { $set: { 'metadata.responsible.$.name': 'A' } });
    expect((await coll.findOne({ _id: 1 }))?.metadata.responsible).toEqual([
      { id: u1, name: 'A' },
      { id: u2, name: 'B' },
    ]);
    await coll.updateOne({ _id: 1 }, { $set: { 'metadata.responsible.$[].seen': true } });
    expect((await coll.findOne({ _id: 1 }))?.metadata.responsible.every((r: Row) => r.seen)).toBe(true);
  });

  it('reports exact matched/modified counts; a no-op modifies nothing', async () => {
    const coll = await fresh([
      { _id: 1, s: 'a' },
      { _id: 2, s: 'b' },
    ]);
    expect(await coll.updateMany({}, { $set: { s: 'a' } })).toMatchObject({
      matchedCount: 2,
      modifiedCount: 1,
    });
    expect(await coll.updateOne({ _id: 1 }, { $set: { s: 'a' } })).toMatchObject({
      matchedCount: 1,
      modifiedCount: 0,
    });
    expect(await coll.replaceOne({ _id: 2 }, { s: 'z' })).toMatchObject({
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect(await coll.findOne({ _id: 2 })).toEqual({ _id: 2, s: 'z' });
  });

  it('upserts from the filter equality fields plus $setOnInsert', async () => {
    const coll = await fresh();
    const res = await coll.updateOne(
      { 'profile.email': 'e@x.io', kind: { $eq: 'user' }, age: { $gt: 1 } },
      { $set: { name: 'N' }, $setOnInsert: { created: true } },
      { upsert: true },
    );
    expect(res.upsertedCount).toBe(1);
    expect(await coll.findOne({ _id: res.upsertedId ?? undefined })).toEqual({
      _id: res.upsertedId,
      profile: { email: 'e@x.io' },
      kind: 'user',
      name: 'N',
      created: true,
    });
    const again = await coll.updateOne(
      { 'profile.email': 'e@x.io' },
      { $setOnInsert: { created: false } },
      { upsert: true },
    );
    expect(again).toMatchObject({ matchedCount: 1, modifiedCount: 0, upsertedCount: 0 });
  });

  it('runs pipeline updates', async () => {
    const coll = await fresh([{ _id: 1, a: 2, b: 3, drop: 1 }]);
    await coll.updateOne({ _id: 1 }, [{ $set: { sum: { $add: ['$a', '$b'] } } }, { $unset: 'drop' }]);
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, a: 2, b: 3, sum: 5 });
  });

  it('refuses to change _id (66) and conflicting operators (40)', async () => {
    const coll = await fresh([{ _id: 1, a: { b: 1 } }]);
    await expect(coll.updateOne({ _id: 1 }, { $set: { _id: 2 } })).rejects.toMatchObject({ code: 66 });
    await expect(coll.updateOne({ _id: 1 }, { $set: { 'a.b': 2 }, $unset: { a: '' } })).rejects.toMatchObject(
      { code: 40 },
    );
    await expect(coll.updateOne({ _id: 1 }, u({ $inc: { 'a.b': 'x' } }))).rejects.toBeInstanceOf(
      MongoServerError,
    );
  });

  it('findOneAndUpdate / findOneAndDelete honour sort, projection, returnDocument and upsert', async () => {
    const coll = await fresh([
      { _id: 1, p: 2, n: 0 },
      { _id: 2, p: 1, n: 0 },
    ]);
    const before = await coll.findOneAndUpdate(
      {},
      { $inc: { n: 1 } },
      { sort: { p: 1 }, projection: { n: 1 } },
    );
    expect(before).toEqual({ _id: 2, n: 0 });
    expect(await coll.findOneAndUpdate({ _id: 2 }, { $inc: { n: 1 } }, { returnDocument: 'after' })).toEqual({
      _id: 2,
      p: 1,
      n: 2,
    });
    expect(
      await coll.findOneAndUpdate({ _id: 3 }, { $set: { n: 9 } }, { upsert: true, returnDocument: 'after' }),
    ).toEqual({ _id: 3, n: 9 });
    expect(await coll.findOneAndDelete({}, { sort: { _id: -1 } })).toEqual({ _id: 3, n: 9 });
    expect(await coll.deleteMany({ n: { $gte: 0 } })).toMatchObject({ deletedCount: 2 });
  });
});

describe('updateDescription in change events', () => {
  it('reports each operator as MongoDB 7 does', async () => {
    const coll = await fresh([
      {
        _id: 1,
        a: { b: 0 },
        arr: [1, 2, 3],
        x: 1,
        r: [
          { id: 1, n: 'a' },
          { id: 2, n: 'b' },
        ],
      },
    ]);
    const stream = trackChangeStream(coll.watch([], { fullDocument: 'updateLookup' }));
    try {
      const next = async () =>
        (await stream.next()) as ChangeStreamDocument<Row> & { updateDescription: Document };
      await once(stream);
      await coll.updateOne({ _id: 1 }, { $set: { 'a.b': 1, 'c.d': 2 } });
      expect((await next()).updateDescription).toMatchObject({
        updatedFields: { 'a.b': 1, c: { d: 2 } },
        removedFields: [],
      });
      await coll.updateOne({ _id: 1 }, u({ $push: { arr: 4 } }));
      expect((await next()).updateDescription.updatedFields).toEqual({ 'arr.3': 4 });
      await coll.updateOne({ _id: 1 }, u({ $pull: { arr: 2 } }));
      expect((await next()).updateDescription.updatedFields).toEqual({ arr: [1, 3, 4] });
      await coll.updateOne({ _id: 1 }, { $unset: { x: '' } });
      expect((await next()).updateDescription.removedFields).toEqual(['x']);
      await coll.updateOne({ _id: 1 }, { $set: { 'r.$[e].n': 'B' } }, { arrayFilters: [{ 'e.id': 2 }] });
      expect((await next()).updateDescription.updatedFields).toEqual({ 'r.1.n': 'B' });
      await coll.updateOne({ _id: 1 }, { $set: { 'r.1.n': 'B' } });
      await coll.updateOne({ _id: 1 }, { $inc: { y: 1 } });
      expect((await next()).updateDescription.updatedFields).toEqual({ y: 1 });
    } finally {
      await stream.close();
    }
  });
});

/** Waits until the stream is open on the server, so no event is missed. */
async function once(stream: { tryNext(): Promise<unknown> }): Promise<void> {
  await stream.tryNext();
}
