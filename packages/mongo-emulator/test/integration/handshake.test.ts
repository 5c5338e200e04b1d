/**
 * hello / isMaster as drivers depend on them: replica set membership, sessions, and the awaitable
 * (streaming) hello that keeps a monitor connected without polling.
 */
import { MongoClient } from 'mongodb';
import type { Document, ServerHeartbeatSucceededEvent } from 'mongodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireTestMongo } from '../support/mongo';
import type { TestMongo } from '../support/mongo';
import { startMongoEmulator } from '../../src';
import { assertNothingLeaked, trackMongoClient, trackResource } from '../support/leak-guard';
import { RawClient, hostPort, opMsg } from './raw-client';

// A project-level testTimeout is not honoured by jest (it is a global option): set it here.
jest.setTimeout(30_000);

/** Test documents use plain ids and any fields. */
type Row = { _id?: string | number } & Document;

const EXHAUST_ALLOWED = 1 << 16;
const MORE_TO_COME = 1 << 1;

let mongo: TestMongo;
let client: MongoClient;

beforeAll(async () => {
  mongo = await acquireTestMongo();
  client = await new MongoClient(mongo.uri).connect();
});

afterEach(() => assertNothingLeaked());

afterAll(async () => {
  await client?.close();
  await mongo?.release();
});

describe('hello', () => {
  it('describes a writable primary of a replica set that supports sessions', async () => {
    const hello = await client.db('admin').command({ hello: 1, helloOk: true });
    expect(hello).toMatchObject({
      isWritablePrimary: true,
      helloOk: true,
      setVersion: expect.any(Number),
      logicalSessionTimeoutMinutes: expect.any(Number),
      minWireVersion: 0,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      localTime: expect.any(Date),
      connectionId: expect.any(Number),
      ok: 1,
    });
    expect(typeof hello.setName).toBe('string');
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(21);
    expect(hello.hosts).toContain(hello.me);
    expect(hello.primary).toBe(hello.me);
    expect(hello.electionId).toBeDefined();
    expect(hello.topologyVersion).toMatchObject({ processId: expect.anything(), counter: expect.anything() });
    expect(hello.$clusterTime).toMatchObject({
      clusterTime: expect.anything(),
      signature: expect.anything(),
    });
    expect(hello.operationTime).toBeDefined();
    expect(hello.compression).toBeUndefined();
  });

  it('answers isMaster with ismaster: true', async () => {
    const reply = await client.db('admin').command({ isMaster: 1 });
    expect(reply.ismaster).toBe(true);
    expect(reply.setName).toBeDefined();
  });

  it('reports itself under the address the client dialed', async () => {
    if (mongo.kind !== 'emulator') return expect(mongo.kind).toBe('MONGO_URL');
    const { host, port } = hostPort(mongo.uri);
    const hello = await client.db('admin').command({ hello: 1 });
    expect(hello).toMatchObject({
      me: `${host}:${port}`,
      primary: `${host}:${port}`,
      hosts: [`${host}:${port}`],
      setName: 'rs0',
    });
  });
});

describe('connection strings', () => {
  it.each([
    ['replicaSet', ''],
    ['directConnection', 'directConnection=true'],
  ])('connects with the %s form', async (_form, extra) => {
    const url = new URL(mongo.uri);
    if (extra) {
      url.searchParams.delete('replicaSet');
      for (const [key, value] of new URLSearchParams(extra)) url.searchParams.set(key, value);
    }
    const other = trackMongoClient(
      await new MongoClient(url.toString(), { serverSelectionTimeoutMS: 5000 }).connect(),
    );
    try {
      expect(await other.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await other.close();
    }
  });
});

describe('awaitable hello', () => {
  it('keeps a streaming monitor connected across heartbeats', async () => {
    const watched = trackMongoClient(new MongoClient(mongo.uri, { heartbeatFrequencyMS: 500 }));
    const awaited: ServerHeartbeatSucceededEvent[] = [];
    const failures: unknown[] = [];
    watched.on('serverHeartbeatSucceeded', event => event.awaited && awaited.push(event));
    watched.on('serverHeartbeatFailed', event => failures.push(event));
    await watched.connect();
    try {
      await sleep(1700);
      expect(await watched.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
      expect(awaited.length).toBeGreaterThanOrEqual(2);
      expect(failures).toEqual([]);
      // Streamed replies come once per heartbeatFrequencyMS, not in a tight loop.
      expect(awaited.length).toBeLessThanOrEqual(8);
    } finally {
      await watched.close();
    }
  });

  it('streams replies with moreToCome when the request allows exhaust', async () => {
    const { host, port } = hostPort(mongo.uri);
    const raw = await RawClient.connect(host, port);
    trackResource(raw, 'raw socket', 'exhaust hello', () => !raw.isClosed);
    try {
      raw.send(opMsg({ hello: 1, $db: 'admin' }));
      const first = await raw.read();
      const { topologyVersion } = first.doc;
      raw.send(opMsg({ hello: 1, topologyVersion, maxAwaitTimeMS: 150, $db: 'admin' }, EXHAUST_ALLOWED));
      const started = Date.now();
      const replies = [await raw.read(), await raw.read(), await raw.read()];
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      for (const reply of replies) {
        expect(reply.flags & MORE_TO_COME).toBe(MORE_TO_COME);
        expect(reply.doc.isWritablePrimary).toBe(true);
      }
      expect(replies[1].responseTo).toBe(replies[0].requestId);
      expect(replies[2].responseTo).toBe(replies[1].requestId);
    } finally {
      raw.close();
    }
  });

  it('lets a client recover after every connection was dropped', async () => {
    const server = await startMongoEmulator({ port: 0 });
    let stopped = false;
    trackResource(server, 'mongo emulator', server.uri, () => !stopped);
    const recovering = new MongoClient(server.uri, {
      heartbeatFrequencyMS: 500,
      serverSelectionTimeoutMS: 5000,
    });
    try {
      await recovering.connect();
      const coll = recovering.db('recover').collection<Row>('items');
      await coll.insertOne({ step: 1 });
      server.dropAllConnections();
      await sleep(50);
      const started = Date.now();
      await coll.insertOne({ step: 2 });
      expect(await coll.countDocuments()).toBe(2);
      server.dropAllConnections();
      await sleep(1200);
      expect(await recovering.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await recovering.close();
      await server.stop();
      stopped = true;
    }
  });
});
