/**
 * What the driver-level change stream tests share: a fresh database per file, streams opened so that no
 * write can slip past them, events taken with a deadline instead of a hang, and everything a test opened
 * closed after it and checked by the leak guard.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { ChangeStream, ChangeStreamDocument, Collection, Db, Document, Timestamp } from 'mongodb';
import { assertNothingLeaked, trackChangeStream } from '../support/leak-guard';
import { acquireTestMongo } from '../support/mongo';
import type { TestMongo } from '../support/mongo';

/** Test documents use plain _ids (numbers, strings), not only ObjectIds. */
export interface Doc {
  _id: number | string;
  [field: string]: unknown;
}

export type Event = ChangeStreamDocument<Doc> & Document;
export type Stream = ChangeStream<Doc, Event>;

export interface ChangeStreamKit {
  readonly mongo: TestMongo;
  readonly client: MongoClient;
  /** This file's database. */
  readonly db: Db;
  newCollection(database?: Db): Collection<Doc>;
  /** watch() is lazy: this sends the aggregate (first tryNext) before returning, so later writes are all seen. */
  openStream(target: Collection<Doc> | Db, pipeline?: Document[], options?: Document): Promise<Stream>;
  /** Registers a stream to be closed after the test, and checked by the leak guard. */
  watching<S extends Stream | ChangeStream>(stream: S): S;
  /** The next `n` events, failing clearly instead of hanging when they don't come. */
  take(stream: Stream, n: number, timeoutMs?: number): Promise<Event[]>;
  /** Runs after the test, after its streams are closed, in reverse order of registration. */
  onRelease(release: () => Promise<void>): void;
}

/** Registers the file's hooks; call once at the top of a test file. */
export function useChangeStreamKit(): ChangeStreamKit {
  let mongo: TestMongo;
  let client: MongoClient;
  let db: Db;
  const streams: Stream[] = [];
  const releases: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    mongo = await acquireTestMongo();
    // File-wide, so not tracked: the leak guard checks what each test opens.
    client = await new MongoClient(mongo.uri).connect();
    db = client.db(mongo.databaseName());
  });

  afterEach(async () => {
    await Promise.all(streams.splice(0).map(stream => stream.close()));
    for (const release of releases.splice(0).reverse()) await release();
    await assertNothingLeaked();
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await client?.close();
    await mongo?.release();
  });

  const kit: ChangeStreamKit = {
    get mongo() {
      return mongo;
    },
    get client() {
      return client;
    },
    get db() {
      return db;
    },
    newCollection: (database = db) => database.collection<Doc>(`c-${randomUUID()}`),
    async openStream(target, pipeline = [], options = {}) {
      const stream = kit.watching(target.watch<Doc, Event>(pipeline, { maxAwaitTimeMS: 50, ...options }));
      const first = await stream.tryNext();
      if (first !== null) throw new Error(`unexpected event before any write: ${JSON.stringify(first)}`);
      return stream;
    },
    watching(stream) {
      streams.push(trackChangeStream(stream) as Stream);
      return stream;
    },
    async take(stream, n, timeoutMs = 10_000) {
      const events: Event[] = [];
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (Date.now() > deadline)
          throw new Error(`got ${events.length} of ${n} events: ${JSON.stringify(events)}`);
        const event = await stream.tryNext();
        if (event !== null) events.push(event);
      }
      return events;
    },
    onRelease(release) {
      releases.push(release);
    },
  };
  return kit;
}

export const isTimestamp = (value: unknown): value is Timestamp =>
  typeof value === 'object' && value !== null && (value as { _bsontype?: string })._bsontype === 'Timestamp';

/** The `_id` of a document event. */
export const idOf = (event: Event): unknown => (event as Document).documentKey?._id;
