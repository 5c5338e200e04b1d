import type { Fixture } from './hub-fixture';
import { DB, drain, drop, dropDatabase, insert, makeFixture } from './hub-fixture';

describe('change stream scopes', () => {
  let f: Fixture;
  beforeEach(() => {
    f = makeFixture();
  });
  afterEach(() => f.close());

  const writeEverywhere = () => {
    f.hub.append([insert('users', { _id: 1 })]);
    f.hub.append([insert('orders', { _id: 2 })]);
    f.hub.append([insert('users', { _id: 3 }, { ns: { db: 'other', coll: 'users' } })]);
    for (const db of ['admin', 'config', 'local'])
      f.hub.append([insert('users', { _id: db }, { ns: { db, coll: 'users' } })]);
    f.hub.append([insert('system.views', { _id: 4 })]);
  };
  const where = (events: { ns: { db: string; coll: string } }[]) =>
    events.map(e => `${e.ns.db}.${e.ns.coll}`);

  it('a collection stream sees only its collection', async () => {
    const cursor = f.open({ coll: 'users' });
    expect(cursor.ns).toBe(`${DB}.users`);
    writeEverywhere();
    expect(where((await drain(cursor)) as never)).toEqual([`${DB}.users`]);
  });

  it('a database stream sees every collection of its database', async () => {
    const cursor = f.open({ coll: null });
    expect(cursor.ns).toBe(`${DB}.$cmd.aggregate`);
    writeEverywhere();
    expect(where((await drain(cursor)) as never)).toEqual([`${DB}.users`, `${DB}.orders`]);
  });

  it('a cluster stream sees every database but admin, config and local', async () => {
    const cursor = f.open(
      { db: 'admin', coll: null, allChangesForCluster: true },
      { allChangesForCluster: true },
    );
    writeEverywhere();
    expect(where((await drain(cursor)) as never)).toEqual([`${DB}.users`, `${DB}.orders`, 'other.users']);
  });

  it('refuses streams on internal databases and cluster streams outside admin', () => {
    expect(() => f.open({ db: 'config', coll: 'x' })).toThrow(expect.objectContaining({ code: 73 }));
    expect(() => f.open({ db: 'admin', coll: null })).toThrow(expect.objectContaining({ code: 73 }));
    expect(() => f.open({ db: DB, coll: null }, { allChangesForCluster: true })).toThrow(
      expect.objectContaining({ code: 73 }),
    );
  });

  it('drop of the collection: the stream shows drop, then invalidate, then is exhausted', async () => {
    const cursor = f.open({ coll: 'users' });
    f.hub.append([insert('users', { _id: 1 })]);
    f.hub.append([drop('orders')]);
    f.hub.append([drop('users')]);
    f.hub.append([insert('users', { _id: 2 })]);
    const batch = await cursor.next(100, 0);
    expect(batch.documents.map(e => e.operationType)).toEqual(['insert', 'drop', 'invalidate']);
    expect(batch.documents[1]).toMatchObject({ ns: { db: DB, coll: 'users' } });
    const invalidate = batch.documents[2]!;
    expect(Object.keys(invalidate)).toEqual(['_id', 'operationType', 'clusterTime', 'wallTime']);
    expect(invalidate.clusterTime.equals(batch.documents[1]!.clusterTime)).toBe(true);
    expect(batch.exhausted).toBe(true);
    expect(batch.postBatchResumeToken).toEqual(invalidate._id);
    expect(await cursor.next(100, 0)).toMatchObject({ documents: [], exhausted: true });
  });

  it('the invalidate follows in the next batch when the drop filled the batch', async () => {
    const cursor = f.open({ coll: 'users' });
    f.hub.append([drop('users')]);
    const first = await cursor.next(1, 0);
    expect(first.documents.map(e => e.operationType)).toEqual(['drop']);
    expect(first.exhausted).toBe(false);
    const second = await cursor.next(1, 0);
    expect(second.documents.map(e => e.operationType)).toEqual(['invalidate']);
    expect(second.exhausted).toBe(true);
  });

  it('a database stream shows collection drops and ends at dropDatabase', async () => {
    const cursor = f.open({ coll: null });
    f.hub.append([drop('orders')]);
    f.hub.append([drop('users'), dropDatabase()]);
    const batch = await cursor.next(100, 0);
    expect(batch.documents.map(e => e.operationType)).toEqual(['drop', 'drop', 'dropDatabase', 'invalidate']);
    expect(batch.documents[2]!.ns).toEqual({ db: DB });
    expect(batch.exhausted).toBe(true);
  });

  it('a collection stream is invalidated by dropDatabase even without a drop of its own', async () => {
    const cursor = f.open({ coll: 'users' });
    f.hub.append([dropDatabase()]);
    const batch = await cursor.next(100, 0);
    expect(batch.documents.map(e => e.operationType)).toEqual(['invalidate']);
    expect(batch.exhausted).toBe(true);
  });

  it('a cluster stream is never invalidated', async () => {
    const cursor = f.open({ db: 'admin', coll: null, allChangesForCluster: true });
    f.hub.append([drop('users'), dropDatabase()]);
    f.hub.append([insert('users', { _id: 1 })]);
    const batch = await cursor.next(100, 0);
    expect(batch.documents.map(e => e.operationType)).toEqual(['drop', 'dropDatabase', 'insert']);
    expect(batch.exhausted).toBe(false);
  });
});
