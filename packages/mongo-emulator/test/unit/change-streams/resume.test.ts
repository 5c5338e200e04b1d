import { Timestamp } from 'bson';
import type { Document } from 'bson';
import type { Fixture } from './hub-fixture';
import { drain, drop, insert, makeFixture } from './hub-fixture';

const ids = (events: Document[]) => events.map(e => e.documentKey?._id ?? e.operationType);

describe('resuming a change stream', () => {
  let f: Fixture;
  beforeEach(() => {
    f = makeFixture({ maxEvents: 10 });
  });
  afterEach(() => f.close());

  /** Inserts _ids from..to-1 into users, and returns every event a stream opened before saw. */
  async function writeAll(from: number, to: number): Promise<Document[]> {
    const cursor = f.open();
    for (let k = from; k < to; k++) f.hub.append([insert('users', { _id: k })]);
    return drain(cursor);
  }

  it('resumeAfter an event delivers exactly the events after it', async () => {
    const events = await writeAll(0, 6);
    const resumed = f.open({}, { resumeAfter: events[2]!._id });
    expect(ids(await drain(resumed))).toEqual([3, 4, 5]);
    f.hub.append([insert('users', { _id: 6 })]);
    expect(ids(await drain(resumed))).toEqual([6]);
  });

  it('startAfter an event behaves the same', async () => {
    const events = await writeAll(0, 4);
    expect(ids(await drain(f.open({}, { startAfter: events[0]!._id })))).toEqual([1, 2, 3]);
  });

  it('resumes after the last event: nothing is redelivered', async () => {
    const events = await writeAll(0, 3);
    expect(await drain(f.open({}, { resumeAfter: events[2]!._id }))).toEqual([]);
  });

  it('a token from another collection stream resumes at the same point', async () => {
    const cursor = f.open({ coll: 'orders' });
    f.hub.append([insert('orders', { _id: 'o' })]);
    f.hub.append([insert('users', { _id: 1 })]);
    const [order] = await drain(cursor);
    expect(ids(await drain(f.open({ coll: 'users' }, { resumeAfter: order!._id })))).toEqual([1]);
  });

  it('startAtOperationTime delivers events at or after that time', async () => {
    const events = await writeAll(0, 5);
    const resumed = f.open({}, { startAtOperationTime: events[3]!.clusterTime });
    expect(ids(await drain(resumed))).toEqual([3, 4]);
  });

  it('a time-only postBatchResumeToken resumes exactly where it was taken', async () => {
    const idle = f.open();
    const before = (await idle.next(10, 0)).postBatchResumeToken!;
    f.hub.append([insert('users', { _id: 1 })]);
    f.hub.append([insert('users', { _id: 2 })]);
    expect(ids(await drain(f.open({}, { resumeAfter: before })))).toEqual([1, 2]);
    expect(ids(await drain(f.open({}, { startAfter: before })))).toEqual([1, 2]);

    const drained = (await idle.next(10, 0)).postBatchResumeToken!;
    f.hub.append([insert('users', { _id: 3 })]);
    expect(ids(await drain(f.open({}, { resumeAfter: drained })))).toEqual([3]);
  });

  it('a postBatchResumeToken that moved past filtered events resumes after them', async () => {
    const cursor = f.open({}, {}, [{ $match: { 'fullDocument.keep': true } }]);
    f.hub.append([insert('users', { _id: 1, keep: true })]);
    f.hub.append([insert('users', { _id: 2 })]);
    const batch = await cursor.next(10, 0);
    expect(ids(batch.documents)).toEqual([1]);
    f.hub.append([insert('users', { _id: 3 })]);
    expect(ids(await drain(f.open({}, { resumeAfter: batch.postBatchResumeToken! })))).toEqual([3]);
  });

  it('history rolled past the resume point: ChangeStreamHistoryLost (286)', async () => {
    const events = await writeAll(0, 5);
    for (let k = 5; k < 16; k++) f.hub.append([insert('users', { _id: k })]);
    const lost = { code: 286, message: expect.stringContaining('may no longer be in the oplog') };
    expect(() => f.open({}, { resumeAfter: events[0]!._id })).toThrow(expect.objectContaining(lost));
    expect(() => f.open({}, { startAtOperationTime: events[0]!.clusterTime })).toThrow(
      expect.objectContaining(lost),
    );
    expect(() => f.open({}, { startAtOperationTime: new Timestamp({ t: 1, i: 0 }) })).toThrow(
      expect.objectContaining(lost),
    );
  });

  it('resuming right after the newest evicted event is still exact', async () => {
    const events = await writeAll(0, 10);
    f.hub.append([insert('users', { _id: 10 })]); // evicts _id 0
    expect(ids(await drain(f.open({}, { resumeAfter: events[0]!._id })))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('a cursor that falls behind the history fails with 286 instead of skipping', async () => {
    const cursor = f.open();
    for (let k = 0; k < 15; k++) f.hub.append([insert('users', { _id: k })]);
    await expect(cursor.next(10, 0)).rejects.toMatchObject({ code: 286 });
  });

  it('a token this server never issued is an error, never a restart from now', async () => {
    const events = await writeAll(0, 3);
    const data = events[1]!._id._data as string;
    expect(() =>
      f.open({}, { resumeAfter: { _data: data.replace(/.$/, c => (c === '0' ? '1' : '0')) } }),
    ).toThrow(expect.objectContaining({ code: 260 }));
    expect(() => f.open({}, { resumeAfter: { _data: '8265A1B2C3000000012B0229296E04' } })).toThrow(
      expect.objectContaining({ code: 260 }),
    );
  });

  it('a well-formed token naming no recorded event, or a future point, is ChangeStreamFatalError', async () => {
    const events = await writeAll(0, 2);
    const { decodeResumeToken, encodeResumeToken } = await import('../../../src/change-streams/resume-token');
    const real = decodeResumeToken(events[1]!._id);
    expect(() => f.open({}, { resumeAfter: encodeResumeToken({ ...real, idx: 5 }) })).toThrow(
      expect.objectContaining({ code: 280 }),
    );
    expect(() => f.open({}, { resumeAfter: encodeResumeToken({ ...real, t: real.t + 3600 }) })).toThrow(
      expect.objectContaining({ code: 280 }),
    );
  });

  it('only one of resumeAfter, startAfter, startAtOperationTime', async () => {
    const [event] = await writeAll(0, 1);
    expect(() => f.open({}, { resumeAfter: event!._id, startAfter: event!._id })).toThrow(
      expect.objectContaining({ code: 40674 }),
    );
  });

  describe('after an invalidate', () => {
    async function invalidated(): Promise<Document[]> {
      const cursor = f.open({ coll: 'users' });
      f.hub.append([insert('users', { _id: 1 })]);
      f.hub.append([drop('users')]);
      f.hub.append([insert('users', { _id: 2 })]);
      return drain(cursor);
    }

    it('startAfter the invalidate continues with the events after the drop', async () => {
      const events = await invalidated();
      expect(ids(await drain(f.open({ coll: 'users' }, { startAfter: events.at(-1)!._id })))).toEqual([2]);
    });

    it('resumeAfter the invalidate is refused with InvalidResumeToken', async () => {
      const events = await invalidated();
      expect(() => f.open({ coll: 'users' }, { resumeAfter: events.at(-1)!._id })).toThrow(
        expect.objectContaining({ code: 260 }),
      );
    });

    it('resumeAfter the drop invalidates again at once', async () => {
      const events = await invalidated();
      const batch = await f.open({ coll: 'users' }, { resumeAfter: events[1]!._id }).next(10, 0);
      expect(ids(batch.documents)).toEqual(['invalidate']);
      expect(batch.exhausted).toBe(true);
    });
  });
});

describe('startAtOperationTime in the future', () => {
  it('waits for that time: earlier events are not shown, and the token never goes below it', async () => {
    let wall = 1_700_000_000_000;
    const f = makeFixture({ wallClock: () => wall });
    const start = new Timestamp({ t: 1_700_000_010, i: 0 });
    const cursor = f.open({}, { startAtOperationTime: start });
    const first = await cursor.next(10, 0);
    f.hub.append([insert('users', { _id: 'too early' })]);
    const early = await cursor.next(10, 0);
    expect(early.documents).toEqual([]);
    expect(early.postBatchResumeToken).toEqual(first.postBatchResumeToken);
    wall += 10_000;
    f.hub.append([insert('users', { _id: 'on time' })]);
    expect(ids(await drain(cursor))).toEqual(['on time']);
    f.close();
  });
});
