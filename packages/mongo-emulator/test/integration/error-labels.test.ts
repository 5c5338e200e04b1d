/**
 * The labels on errors are mongod 7.0's (its ErrorLabelBuilder), since drivers decide from them alone
 * whether to retry a write, resume a change stream or retry a transaction. Failures come from failCommand.
 */
import { MongoServerError } from 'mongodb';
import type { ChangeStream, Collection, Document } from 'mongodb';
import { useFailPointClient } from '../support/fail-point-client';
import { trackChangeStream } from '../support/leak-guard';

jest.setTimeout(30_000);

type Row = { _id?: string | number } & Document;

const fx = useFailPointClient();

async function failure(promise: Promise<unknown>): Promise<MongoServerError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

describe('retryable writes', () => {
  it('a writeConcernError 91 gets RetryableWriteError, so the driver retries the write', async () => {
    await fx.failCommand(
      { times: 1 },
      { failCommands: ['insert'], writeConcernError: { code: 91, errmsg: 'Replication is being shut down' } },
    );
    await fx.db.collection<Row>('wce').insertOne({ _id: 'once' });
    expect(fx.count('insert')).toBe(2);
    expect(await fx.db.collection<Row>('wce').find().toArray()).toEqual([{ _id: 'once' }]);
  });

  it('a writeConcernError on a write that is not a retryable write (no txnNumber) gets no label', async () => {
    await fx.failCommand(
      { times: 1 },
      { failCommands: ['insert'], writeConcernError: { code: 91, errmsg: 'Replication is being shut down' } },
    );
    const error = await failure(fx.db.command({ insert: 'wce-raw', documents: [{ _id: 1 }] }));
    expect(error).toMatchObject({ code: 91, result: { ok: 1, n: 1 } });
    expect(error.hasErrorLabel('RetryableWriteError')).toBe(false);
    expect(fx.count('insert')).toBe(1);
  });

  it('a retried write is not applied twice: the retry answers what the first attempt did', async () => {
    await fx.failCommand(
      { times: 1 },
      { failCommands: ['update'], writeConcernError: { code: 189, errmsg: 'primary stepped down' } },
    );
    await fx.db.collection<Row>('counted').updateOne({ _id: 1 }, { $inc: { n: 1 } }, { upsert: true });
    expect(fx.count('update')).toBe(2);
    expect(await fx.db.collection<Row>('counted').find().toArray()).toEqual([{ _id: 1, n: 1 }]);
  });

  it('explicit errorLabels replace the computed ones: [] leaves a retryable code unretried', async () => {
    await fx.failCommand({ times: 1 }, { failCommands: ['update'], errorCode: 91, errorLabels: [] });
    const error = await failure(fx.db.collection<Row>('explicit').updateOne({ _id: 1 }, { $set: { a: 1 } }));
    expect(error.code).toBe(91);
    expect(error.errorLabels).toEqual([]);
    expect(fx.count('update')).toBe(1);
  });
});

describe('transactions', () => {
  it.each([10107, 11600, 91, 112])(
    'code %i inside a transaction gets TransientTransactionError',
    async code => {
      await fx.db.createCollection(`txn-${code}`).catch(() => undefined);
      await fx.failCommand({ times: 1 }, { failCommands: ['insert'], errorCode: code });
      const session = fx.client.startSession();
      try {
        session.startTransaction();
        const error = await failure(fx.db.collection<Row>(`txn-${code}`).insertOne({ _id: 1 }, { session }));
        expect(error.code).toBe(code);
        expect(error.errorLabels).toEqual(['TransientTransactionError']);
        await session.abortTransaction();
      } finally {
        await session.endSession();
      }
    },
  );

  it('a retryable code on commitTransaction gets RetryableWriteError, not TransientTransactionError', async () => {
    await fx.db.createCollection('commit').catch(() => undefined);
    await fx.failCommand({ times: 1 }, { failCommands: ['commitTransaction'], errorCode: 91 });
    const session = fx.client.startSession();
    try {
      session.startTransaction();
      await fx.db.collection<Row>('commit').insertOne({ _id: 1 }, { session });
      await session.commitTransaction();
      expect(fx.count('commitTransaction')).toBe(2);
      expect(await fx.db.collection<Row>('commit').countDocuments()).toBe(1);
    } finally {
      await session.endSession();
    }
  });
});

/** Opens a stream on a fresh collection, past its first (empty) batch, and closes it after `use`. */
async function withOpenStream(
  name: string,
  use: (coll: Collection<Row>, stream: ChangeStream<Row>) => Promise<void>,
): Promise<void> {
  const coll = fx.db.collection<Row>(name);
  await fx.db.createCollection(name);
  const stream = trackChangeStream(coll.watch([], { maxAwaitTimeMS: 100 }));
  try {
    await stream.tryNext();
    await use(coll, stream);
  } finally {
    await stream.close();
  }
}

describe('change streams', () => {
  it('a getMore failed by failCommand without labels is not resumable: the stream errors', async () => {
    await withOpenStream('not-resumed', async (_coll, stream) => {
      await fx.failCommand({ times: 1 }, { failCommands: ['getMore'], errorCode: 6 });
      const error = await failure(stream.next());
      expect(error.code).toBe(6);
      expect(error.hasErrorLabel('ResumableChangeStreamError')).toBe(false);
      expect(fx.count('aggregate')).toBe(1);
    });
  });

  it.each<[string, string, () => Promise<unknown>]>([
    [
      'a getMore failed with errorLabels [ResumableChangeStreamError] resumes the stream',
      'resumed',
      () =>
        fx.failCommand(
          { times: 1 },
          { failCommands: ['getMore'], errorCode: 6, errorLabels: ['ResumableChangeStreamError'] },
        ),
    ],
    [
      'a getMore failed after its cursor is checked out is labelled resumable: the stream resumes',
      'checked-out',
      () => fx.failGetMore({ times: 1 }, { errorCode: 6 }),
    ],
  ])('%s', async (_title, name, fail) => {
    await withOpenStream(name, async (coll, stream) => {
      await fail();
      await coll.insertOne({ _id: 'after-error' });
      expect(await stream.next()).toMatchObject({
        operationType: 'insert',
        documentKey: { _id: 'after-error' },
      });
      expect(fx.count('aggregate')).toBe(2);
    });
  });

  it('an aggregate opening a change stream, failed with a retriable code, is labelled resumable', async () => {
    await fx.failCommand({ times: 1 }, { failCommands: ['aggregate'], errorCode: 6 });
    const error = await failure(
      fx.db.command({ aggregate: 'opening', pipeline: [{ $changeStream: {} }], cursor: {} }),
    );
    expect(error.code).toBe(6);
    expect(error.errorLabels).toEqual(['ResumableChangeStreamError']);
  });
});
