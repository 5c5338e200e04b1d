import { ObjectId } from 'bson';
import type { Document } from '../../../src/types';
import { DB, ORDERED, newFixture } from './engine-fixture';

/** A collection shaped like user-sync's orders, with the indexes it creates. */
function orders(size: number) {
  const f = newFixture();
  f.engine.createIndexes(DB, 'orders', [
    { key: { manager: 1 }, name: 'manager_1' },
    { key: { assigned_user_ids: 1 }, name: 'assigned_user_ids_1' },
    { key: { 'metadata.responsible.id': 1 }, name: 'metadata.responsible.id_1' },
    { key: { account: 1, status: 1 }, name: 'account_1_status_1' },
  ]);
  const users = Array.from({ length: 50 }, () => new ObjectId());
  const docs: Document[] = [];
  for (let i = 0; i < size; i++) {
    const a = users[i % 50];
    const b = users[(i + 1) % 50];
    docs.push({
      _id: i,
      manager: a,
      account: i % 10,
      status: i % 2 ? 'open' : 'done',
      assigned_user_ids: [a, b],
      metadata: {
        responsible: [
          { id: a, name: 'x' },
          { id: b, name: 'y' },
        ],
      },
    });
  }
  expect(f.engine.insert(DB, 'orders', docs, ORDERED).writeErrors).toEqual([]);
  const target = new ObjectId();
  f.insert('orders', {
    _id: 'target',
    manager: target,
    account: 99,
    status: 'open',
    assigned_user_ids: [target],
    metadata: { responsible: [{ id: target, name: 't' }] },
  });
  return { f, target };
}

/** Documents the engine handed to the matcher for one operation. */
function examined(f: ReturnType<typeof newFixture>, op: () => void): number {
  const before = f.engine.collectionStats(DB, 'orders')?.docsExamined ?? 0;
  op();
  return (f.engine.collectionStats(DB, 'orders')?.docsExamined ?? 0) - before;
}

describe('index use', () => {
  const small = orders(10);
  const large = orders(100_000);

  it.each([
    ['_id equality', (t: ObjectId) => ({ _id: 'target', manager: t })],
    ['_id $in', () => ({ _id: { $in: ['target', 'nope'] } })],
    ['single field', (t: ObjectId) => ({ manager: t })],
    ['multikey array of ids', (t: ObjectId) => ({ assigned_user_ids: t })],
    ['path into an array of subdocuments', (t: ObjectId) => ({ 'metadata.responsible.id': t })],
    ['$elemMatch on that array', (t: ObjectId) => ({ 'metadata.responsible': { $elemMatch: { id: t } } })],
    ['compound prefix', () => ({ account: 99 })],
    ['inside a top-level $and', (t: ObjectId) => ({ $and: [{ status: 'open' }, { manager: t }] })],
  ])('%s examines only the matching document at 10 and at 100,000 documents', (_name, filter) => {
    for (const { f, target } of [small, large]) {
      const q = filter(target);
      expect(examined(f, () => expect(f.findAll('orders', q)).toHaveLength(1))).toBe(1);
      expect(
        examined(f, () =>
          expect(f.updateOne('orders', q, { $set: { touched: true } })).toMatchObject({ n: 1 }),
        ),
      ).toBe(1);
    }
  });

  it('an update that changes an indexed field keeps the index consistent', () => {
    const { f, target } = large;
    const other = new ObjectId();
    f.updateOne(
      'orders',
      { _id: 'target' },
      { $set: { 'metadata.responsible.0.id': other }, $pull: { assigned_user_ids: target } },
    );
    expect(
      examined(f, () => expect(f.findAll('orders', { 'metadata.responsible.id': target })).toHaveLength(0)),
    ).toBe(0);
    expect(
      examined(f, () => expect(f.findAll('orders', { 'metadata.responsible.id': other })).toHaveLength(1)),
    ).toBe(1);
    expect(f.findAll('orders', { assigned_user_ids: target })).toHaveLength(0);
  });

  it('an update replacing the parent of an indexed path moves the key; one beside it keeps it', () => {
    const { f, target } = orders(10);
    const other = new ObjectId();
    f.updateOne('orders', { _id: 'target' }, { $set: { 'metadata.note': 'beside the index' } });
    expect(f.findAll('orders', { 'metadata.responsible.id': target }).map(d => d._id)).toEqual(['target']);
    f.updateOne('orders', { _id: 'target' }, { $set: { metadata: { responsible: [{ id: other }] } } });
    expect(f.findAll('orders', { 'metadata.responsible.id': target })).toHaveLength(0);
    expect(f.findAll('orders', { 'metadata.responsible.id': other }).map(d => d._id)).toEqual(['target']);
    f.updateOne('orders', { _id: 'target' }, { $push: { assigned_user_ids: other } });
    expect(examined(f, () => expect(f.findAll('orders', { assigned_user_ids: other })).toHaveLength(1))).toBe(
      1,
    );
  });

  it('falls back to a scan when no index applies, and still answers correctly', () => {
    const { f } = small;
    expect(examined(f, () => f.findAll('orders', { status: 'open' }))).toBe(11);
  });
});
