import { Redis } from 'ioredis';
import type { ChangeStream, Db } from 'mongodb';
import pino from 'pino';
import { ChangeListener } from '../../../src/listener/change-listener';
import { trackRedis } from '../../support/leak-guard';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser } from '../../support/sync-fixtures';
import { waitUntil } from '../../support/wait-until';

/**
 * Every way a change stream says its history is gone (src/listener/stream-errors.ts) leads to exactly one
 * full resync and a stream open again from now; test/integration/listener/history-lost*.test.ts produce
 * 286 by a real roll-over. Here the server fails the stream's getMore with each code (mongod's
 * `failGetMoreAfterCursorCheckout`, which adds no resumable label for these, so the driver gives up as it
 * would), and an error that names itself only by codeName is handed to the listener by its stream.
 */
describe('each lost-history error', () => {
  let h: SyncHarness;
  let redis: Redis;
  let listener: ChangeListener | undefined;
  beforeAll(async () => {
    h = await startSyncHarness();
    redis = trackRedis(new Redis(h.config.redisUrl, { maxRetriesPerRequest: null }), 'history-lost codes');
    await h.collections.users.insertOne(aUser());
  });
  afterEach(async () => {
    await h.client.db('admin').command({ configureFailPoint: 'failGetMoreAfterCursorCheckout', mode: 'off' });
    await listener?.stop();
    listener = undefined;
  });
  afterAll(async () => {
    await redis?.quit();
    await h?.close();
  });

  function start(database: Db, onResync: () => void): ChangeListener {
    listener = new ChangeListener({
      database,
      scope: { collections: h.config.collections, syncReferences: true },
      queues: h.queues,
      redis,
      queuePrefix: h.config.queuePrefix,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      resyncAll: async () => onResync(),
      leaseTtlMs: 1000,
      checkpointEveryMs: 50,
      maxAwaitTimeMS: 50,
    });
    listener.start();
    return listener;
  }

  /** Recovered once, and still listening: a change made after the recovery is seen. */
  async function expectOneResyncAndOpenStream(running: ChangeListener, resyncs: () => number) {
    await waitUntil('the recovery', () => running.stats.historyLostRecoveries >= 1 && resyncs() >= 1);
    await waitUntil('the stream open again', () => running.stats.streamOpen);
    const seen = running.stats.eventsSeen;
    await h.collections.users.insertOne(aUser());
    await waitUntil('a change after the recovery', () => running.stats.eventsSeen > seen);
    expect(running.stats.historyLostRecoveries).toBe(1);
    expect(resyncs()).toBe(1);
    expect(running.stats.streamOpen).toBe(true);
  }

  // Spelled out, not read from stream-errors.ts: a code dropped there must fail here.
  it.each([
    ['CappedPositionLost', 136],
    ['InvalidResumeToken', 260],
    ['ChangeStreamFatalError', 280],
    ['ChangeStreamHistoryLost', 286],
  ])('%s (%i) from the server', async (_name, code) => {
    let resyncs = 0;
    const running = start(h.db, () => (resyncs += 1));
    await waitUntil('the stream open', () => running.stats.streamOpen);
    await h.client.db('admin').command({
      configureFailPoint: 'failGetMoreAfterCursorCheckout',
      mode: { times: 1 },
      data: { errorCode: code },
    });
    await expectOneResyncAndOpenStream(running, () => resyncs);
  });

  it('an error carrying only the codeName ChangeStreamHistoryLost', async () => {
    let pending: Error | undefined;
    // The stream as the driver hands it out, except that its next read fails once with `pending`.
    const database = new Proxy(h.db, {
      get(target, property, receiver) {
        if (property !== 'watch') return Reflect.get(target, property, receiver) as unknown;
        return (...args: Parameters<Db['watch']>) => {
          const stream = target.watch(...args);
          return new Proxy(stream, {
            get(real, key) {
              if (key === 'tryNext' && pending !== undefined) {
                const error = pending;
                pending = undefined;
                return () => Promise.reject(error);
              }
              const value = Reflect.get(real, key, real) as unknown;
              return typeof value === 'function' ? (value as () => unknown).bind(real) : value;
            },
          }) as ChangeStream;
        };
      },
    });
    let resyncs = 0;
    const running = start(database, () => (resyncs += 1));
    await waitUntil('the stream open', () => running.stats.streamOpen);
    pending = Object.assign(new Error('resume point no longer in the history'), {
      codeName: 'ChangeStreamHistoryLost',
    });
    await expectOneResyncAndOpenStream(running, () => resyncs);
  });
});
