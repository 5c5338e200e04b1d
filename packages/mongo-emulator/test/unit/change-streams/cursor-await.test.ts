import type { Fixture } from './hub-fixture';
import { insert, makeFixture } from './hub-fixture';

describe('change stream cursor batches and waiting', () => {
  let f: Fixture;
  beforeEach(() => {
    f = makeFixture();
  });
  afterEach(() => f.close());

  it('the first batch is empty with a token for the start point', async () => {
    f.hub.append([insert('users', { _id: 0 })]);
    const batch = await f.open().next(0, 0);
    expect(batch.documents).toEqual([]);
    expect(batch.exhausted).toBe(false);
    expect(batch.postBatchResumeToken!._data).toMatch(/^[0-9a-f]+$/);
  });

  it('returns at most batchSize events, the token of the last one, and the rest next time', async () => {
    const cursor = f.open();
    for (let k = 0; k < 5; k++) f.hub.append([insert('users', { _id: k })]);
    const first = await cursor.next(2, 0);
    expect(first.documents.map(e => e.documentKey._id)).toEqual([0, 1]);
    expect(first.postBatchResumeToken).toEqual(first.documents[1]!._id);
    const rest = await cursor.next(10, 0);
    expect(rest.documents.map(e => e.documentKey._id)).toEqual([2, 3, 4]);
  });

  it('a drained batch ends at the last event: its token equals that event _id while the clock stands still', async () => {
    const g = makeFixture({ wallClock: () => 1_700_000_000_000 });
    const cursor = g.open();
    g.hub.append([insert('users', { _id: 1 })]);
    const batch = await cursor.next(10, 0);
    expect(batch.postBatchResumeToken).toEqual(batch.documents[0]!._id);
    g.close();
  });

  it('postBatchResumeToken moves past filtered events and, when idle, with the clock', async () => {
    let wall = 1_700_000_000_000;
    const g = makeFixture({ wallClock: () => wall });
    const cursor = g.open({}, {}, [{ $match: { operationType: 'delete' } }]);
    const start = (await cursor.next(10, 0)).postBatchResumeToken!._data;
    g.hub.append([insert('users', { _id: 1 })]);
    g.hub.append([insert('orders', { _id: 2 })]);
    const afterFiltered = await cursor.next(10, 0);
    expect(afterFiltered.documents).toEqual([]);
    expect(afterFiltered.postBatchResumeToken!._data > start).toBe(true);
    wall += 5000;
    const idle = await cursor.next(10, 0);
    expect(idle.postBatchResumeToken!._data > afterFiltered.postBatchResumeToken!._data).toBe(true);
    g.close();
  });

  it('a waiting next() resolves as soon as something is appended', async () => {
    const cursor = f.open();
    const started = Date.now();
    const pending = cursor.next(10, 10_000);
    setTimeout(() => f.hub.append([insert('users', { _id: 'late' })]), 20);
    const batch = await pending;
    expect(batch.documents.map(e => e.documentKey._id)).toEqual(['late']);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps waiting past appends the stream does not show, then times out with an empty batch', async () => {
    const cursor = f.open({ coll: 'users' });
    const pending = cursor.next(10, 150);
    setTimeout(() => f.hub.append([insert('orders', { _id: 1 })]), 10);
    const batch = await pending;
    expect(batch.documents).toEqual([]);
    expect(batch.exhausted).toBe(false);
    expect(f.hub.retainedEvents).toBe(1);
  });

  it('close() releases a waiting next()', async () => {
    const cursor = f.open();
    const started = Date.now();
    const pending = cursor.next(10, 30_000);
    setTimeout(() => cursor.close(), 10);
    const batch = await pending;
    expect(batch.documents).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('many waiting cursors all wake on one append', async () => {
    const cursors = Array.from({ length: 20 }, () => f.open());
    const pending = cursors.map(c => c.next(10, 10_000));
    f.hub.append([insert('users', { _id: 1 })]);
    const batches = await Promise.all(pending);
    for (const batch of batches) expect(batch.documents).toHaveLength(1);
  });

  it('keeps only maxEvents changes in memory', () => {
    const g = makeFixture({ maxEvents: 3 });
    for (let k = 0; k < 10; k++) g.hub.append([insert('users', { _id: k })]);
    expect(g.hub.retainedEvents).toBe(3);
  });
});
