/**
 * failCommand fail points (shaped like mongod's test command, so this file also runs against a real
 * server started with enableTestCommands=1) and dropped connections: the driver must recover from each.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import type { CommandStartedEvent, Db, Document } from 'mongodb';
import { acquireTestMongo } from '../support/mongo';
import type { TestMongo } from '../support/mongo';
import {
  assertNothingLeaked,
  trackChangeStream,
  trackMongoClient,
  trackResource,
} from '../support/leak-guard';
import { startMongoEmulator } from '../../src';

// A project-level testTimeout is not honoured by jest (it is a global option): set it here.
jest.setTimeout(30_000);

/** Test documents use plain ids and any fields. */
type Row = { _id?: string | number } & Document;

let mongo: TestMongo;
let client: MongoClient;
let db: Db;
/** Fail points name this appName, so they never hit other clients of a shared server. */
const appName = `fault-${randomUUID()}`;
/**
 * Under jest the driver's dynamic `import('os')` fails and it silently sends empty client metadata,
 * appName included; handing it `os` makes the handshake carry the appName the fail points filter on.
 */
const runtimeAdapters = { os };
const started: CommandStartedEvent[] = [];

beforeAll(async () => {
  mongo = await acquireTestMongo();
  client = await new MongoClient(mongo.uri, { appName, monitorCommands: true, runtimeAdapters }).connect();
  client.on('commandStarted', event => started.push(event));
  db = client.db(mongo.databaseName());
});

beforeEach(() => {
  started.length = 0;
});

afterEach(async () => {
  await failCommand('off');
  await assertNothingLeaked();
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
  await mongo?.release();
});

function failCommand(mode: unknown, data: Document = {}): Promise<Document> {
  return client.db('admin').command({ configureFailPoint: 'failCommand', mode, data: { appName, ...data } });
}

const count = (name: string) => started.filter(event => event.commandName === name).length;

describe('failCommand', () => {
  it('fails the listed command with errorCode, then `times` runs out', async () => {
    await db.collection<Row>('t').insertOne({ a: 1 });
    await failCommand({ times: 2 }, { failCommands: ['find'], errorCode: 2 });
    await expect(
      db.collection<Row>('t').findOne({}, { retryReads: false } as Document),
    ).rejects.toMatchObject({
      code: 2,
    });
    await expect(db.collection<Row>('t').findOne()).rejects.toMatchObject({ code: 2 });
    expect(await db.collection<Row>('t').findOne()).toMatchObject({ a: 1 });
  });

  it('skips the first N matches with {skip}', async () => {
    await failCommand({ skip: 1 }, { failCommands: ['count'], errorCode: 2 });
    expect(await db.collection<Row>('t').estimatedDocumentCount()).toBe(1);
    await expect(db.collection<Row>('t').estimatedDocumentCount()).rejects.toMatchObject({ code: 2 });
  });

  it('alwaysOn until turned off, and only for listed commands', async () => {
    await failCommand('alwaysOn', { failCommands: ['distinct'], errorCode: 14 });
    await expect(db.collection<Row>('t').distinct('a')).rejects.toMatchObject({ code: 14 });
    await expect(db.collection<Row>('t').distinct('a')).rejects.toMatchObject({ code: 14 });
    expect(await db.collection<Row>('t').countDocuments()).toBe(1);
    const configured = await failCommand('off');
    expect(configured.ok).toBe(1);
    expect(await db.collection<Row>('t').distinct('a')).toEqual([1]);
  });

  it('passes errorLabels through', async () => {
    await failCommand({ times: 1 }, { failCommands: ['find'], errorCode: 2, errorLabels: ['SomeLabel'] });
    const error = await db
      .collection<Row>('t')
      .findOne()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 2, errorLabels: ['SomeLabel'] });
  });

  it('closeConnection: a retryable write is retried once and lands once', async () => {
    await failCommand({ times: 1 }, { failCommands: ['insert'], closeConnection: true });
    await db.collection<Row>('retried').insertOne({ _id: 'once' });
    expect(count('insert')).toBe(2);
    expect(await db.collection<Row>('retried').countDocuments()).toBe(1);
  });

  it('a retryable error code gets RetryableWriteError and the write is retried', async () => {
    await failCommand({ times: 1 }, { failCommands: ['update'], errorCode: 91 });
    await db.collection<Row>('retried').updateOne({ _id: 'once' }, { $set: { updated: true } });
    expect(count('update')).toBe(2);
    expect(await db.collection<Row>('retried').findOne()).toEqual({ _id: 'once', updated: true });
  });

  it('blockConnection delays the command by blockTimeMS', async () => {
    await failCommand({ times: 1 }, { failCommands: ['ping'], blockConnection: true, blockTimeMS: 300 });
    const begin = Date.now();
    await db.command({ ping: 1 });
    expect(Date.now() - begin).toBeGreaterThanOrEqual(280);
  });

  it('leaves clients with another appName alone', async () => {
    await failCommand('alwaysOn', { failCommands: ['ping'], errorCode: 2 });
    const other = trackMongoClient(
      await new MongoClient(mongo.uri, {
        appName: `other-${randomUUID()}`,
        runtimeAdapters,
      }).connect(),
    );
    try {
      expect(await other.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await other.close();
    }
  });
});

describe('dropped connections (emulator)', () => {
  it('a change stream resumes after dropAllConnections', async () => {
    const server = await startMongoEmulator({ port: 0 });
    let stopped = false;
    trackResource(server, 'mongo emulator', server.uri, () => !stopped);
    const watcher = trackMongoClient(new MongoClient(server.uri, { heartbeatFrequencyMS: 500 }));
    try {
      await watcher.connect();
      const coll = watcher.db('drops').collection<Row>('events');
      await watcher.db('drops').createCollection('events');
      const stream = trackChangeStream(coll.watch([], { maxAwaitTimeMS: 100 }));
      await stream.tryNext();
      await coll.insertOne({ _id: 1 });
      expect(await stream.next()).toMatchObject({ documentKey: { _id: 1 } });
      server.dropAllConnections();
      await sleep(50);
      await coll.insertOne({ _id: 2 });
      expect(await stream.next()).toMatchObject({ documentKey: { _id: 2 } });
      await stream.close();
    } finally {
      await watcher.close();
      await server.stop();
      stopped = true;
    }
  });
});
