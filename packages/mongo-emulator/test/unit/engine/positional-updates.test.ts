import { ObjectId } from 'bson';
import { newFixture } from './engine-fixture';

const alice = new ObjectId();
const bob = new ObjectId();
const meta = (id: ObjectId, name: string) => ({ id, name, email: `${name}@x.io` });

function orderFixture() {
  const f = newFixture();
  f.insert('orders', {
    _id: 1,
    assigned_user_ids: [alice, bob],
    metadata: { responsible: [meta(alice, 'alice'), meta(bob, 'bob')] },
  });
  f.sink.clear();
  return f;
}

describe('arrayFilters on nested arrays (user-sync hot path)', () => {
  it('replaces only the element whose id matches and reports that element', () => {
    const f = orderFixture();
    const result = f.updateMany(
      'orders',
      { 'metadata.responsible.id': bob },
      { $set: { 'metadata.responsible.$[el]': meta(bob, 'robert') } },
      { arrayFilters: [{ 'el.id': bob }] },
    );
    expect(result).toMatchObject({ n: 1, nModified: 1 });
    expect(f.findOne('orders')?.metadata.responsible).toStrictEqual([
      meta(alice, 'alice'),
      meta(bob, 'robert'),
    ]);
    expect(f.sink.last?.updateDescription).toStrictEqual({
      updatedFields: { 'metadata.responsible.1': meta(bob, 'robert') },
      removedFields: [],
      truncatedArrays: [],
    });
  });

  it('setting a sub-field through $[el] reports the sub-field path per changed element', () => {
    const f = orderFixture();
    f.updateOne(
      'orders',
      {},
      { $set: { 'metadata.responsible.$[el].name': 'A' } },
      { arrayFilters: [{ 'el.id': alice }] },
    );
    expect(f.sink.last?.updateDescription?.updatedFields).toStrictEqual({
      'metadata.responsible.0.name': 'A',
    });
  });

  it('an element already equal to the new value is not modified and emits nothing', () => {
    const f = orderFixture();
    const result = f.updateOne(
      'orders',
      {},
      { $set: { 'metadata.responsible.$[el]': meta(bob, 'bob') } },
      { arrayFilters: [{ 'el.id': bob }] },
    );
    expect(result).toMatchObject({ n: 1, nModified: 0 });
    expect(f.sink.records).toHaveLength(0);
  });

  it('$[] updates every element; filters may use operators', () => {
    const f = newFixture();
    f.insert('c', { _id: 1, grades: [{ g: 80 }, { g: 95 }, { g: 70 }] });
    f.updateOne('c', {}, { $set: { 'grades.$[].ok': true } });
    expect(f.findOne('c')?.grades.every((x: { ok: boolean }) => x.ok)).toBe(true);
    f.updateOne('c', {}, { $inc: { 'grades.$[hi].g': 1 } }, { arrayFilters: [{ 'hi.g': { $gte: 80 } }] });
    expect(f.findOne('c')?.grades.map((x: { g: number }) => x.g)).toEqual([81, 96, 70]);
  });

  it('supports two filters at different depths', () => {
    const f = newFixture();
    f.insert('c', {
      _id: 1,
      a: [
        { k: 1, b: [{ v: 1 }, { v: 2 }] },
        { k: 2, b: [{ v: 2 }] },
      ],
    });
    f.updateOne('c', {}, { $set: { 'a.$[x].b.$[y].v': 9 } }, { arrayFilters: [{ 'x.k': 1 }, { 'y.v': 2 }] });
    expect(f.findOne('c')?.a).toEqual([
      { k: 1, b: [{ v: 1 }, { v: 9 }] },
      { k: 2, b: [{ v: 2 }] },
    ]);
    expect(f.sink.last?.updateDescription?.updatedFields).toEqual({ 'a.0.b.1.v': 9 });
  });

  it('rejects a missing filter (2) and an unused one (9)', () => {
    const f = orderFixture();
    expect(
      f.updateOne('orders', {}, { $set: { 'metadata.responsible.$[el].name': 'x' } }).writeErrors[0].code,
    ).toBe(2);
    const unused = f.updateOne('orders', {}, { $set: { x: 1 } }, { arrayFilters: [{ 'el.id': bob }] });
    expect(unused.writeErrors[0].code).toBe(9);
  });
});

describe('positional $', () => {
  it('targets the element the query matched inside a nested array of subdocuments', () => {
    const f = orderFixture();
    f.updateOne(
      'orders',
      { 'metadata.responsible.id': bob },
      { $set: { 'metadata.responsible.$.name': 'B' } },
    );
    expect(f.findOne('orders')?.metadata.responsible.map((r: { name: string }) => r.name)).toEqual([
      'alice',
      'B',
    ]);
    expect(f.sink.last?.updateDescription?.updatedFields).toEqual({ 'metadata.responsible.1.name': 'B' });
  });

  it('works with scalar arrays and $elemMatch', () => {
    const f = newFixture();
    f.insert('c', {
      _id: 1,
      tags: ['a', 'b', 'c'],
      items: [
        { q: 1, p: 5 },
        { q: 2, p: 7 },
      ],
    });
    f.updateOne('c', { tags: 'b' }, { $set: { 'tags.$': 'B' } });
    f.updateOne('c', { items: { $elemMatch: { q: 2, p: { $gt: 6 } } } }, { $inc: { 'items.$.p': 1 } });
    expect(f.findOne('c')).toEqual({
      _id: 1,
      tags: ['a', 'B', 'c'],
      items: [
        { q: 1, p: 5 },
        { q: 2, p: 8 },
      ],
    });
  });

  it('fails (2) when the query did not match an array element', () => {
    const f = newFixture();
    f.insert('c', { _id: 1, tags: ['a'] });
    expect(f.updateOne('c', { _id: 1 }, { $set: { 'tags.$': 'x' } }).writeErrors[0].code).toBe(2);
  });

  it('$pull with a condition on subdocuments removes the user from a nested array', () => {
    const f = orderFixture();
    f.updateOne('orders', {}, { $pull: { 'metadata.responsible': { id: alice }, assigned_user_ids: alice } });
    const order = f.findOne('orders');
    expect(order?.assigned_user_ids).toEqual([bob]);
    expect(order?.metadata.responsible).toEqual([meta(bob, 'bob')]);
  });
});
