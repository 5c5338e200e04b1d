/**
 * The wire protocol as clients use it: legacy OP_QUERY for the first hello, OP_MSG with document
 * sequences for batches, checksums, and moreToCome for unacknowledged writes.
 */
import { BSON } from 'bson';
import { MongoClient } from 'mongodb';
import type { Db, Document } from 'mongodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireTestMongo } from '../support/mongo';
import type { TestMongo } from '../support/mongo';
import { crc32c } from '../../src/wire/crc32c';
import { RawClient, hostPort, opMsg, opQuery } from './raw-client';

// A project-level testTimeout is not honoured by jest (it is a global option): set it here.
jest.setTimeout(30_000);

/** Test documents use plain ids and any fields. */
type Row = { _id?: string | number } & Document;

let mongo: TestMongo;
let client: MongoClient;
let db: Db;
let raw: RawClient;

beforeAll(async () => {
  mongo = await acquireTestMongo();
  client = await new MongoClient(mongo.uri).connect();
  db = client.db(mongo.databaseName());
});

beforeEach(async () => {
  const { host, port } = hostPort(mongo.uri);
  raw = await RawClient.connect(host, port);
});

afterEach(() => raw.close());

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
  await mongo?.release();
});

/** An OP_MSG whose command is split: `documents` travels as a kind 1 document sequence. */
function opMsgWithSequence(
  command: object,
  identifier: string,
  documents: object[],
  checksum = false,
): Buffer {
  const body = Buffer.from(BSON.serialize(command));
  const docs = Buffer.concat(documents.map(doc => Buffer.from(BSON.serialize(doc))));
  const id = Buffer.from(`${identifier}\0`);
  const sequenceSize = Buffer.alloc(4);
  sequenceSize.writeInt32LE(4 + id.length + docs.length);
  const sections = Buffer.concat([Buffer.from([0]), body, Buffer.from([1]), sequenceSize, id, docs]);
  const header = Buffer.alloc(20);
  const length = 20 + sections.length + (checksum ? 4 : 0);
  header.writeInt32LE(length, 0);
  header.writeInt32LE(77, 4);
  header.writeInt32LE(2013, 12);
  header.writeUInt32LE(checksum ? 1 : 0, 16);
  const message = Buffer.concat([header, sections]);
  if (!checksum) return message;
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32c(message));
  return Buffer.concat([message, crc]);
}

describe('OP_QUERY', () => {
  it.each(['isMaster', 'ismaster'])('answers a legacy %s on admin.$cmd with OP_REPLY', async name => {
    raw.send(
      opQuery('admin.$cmd', { [name]: 1, helloOk: true, client: { driver: { name: 'raw', version: '0' } } }),
    );
    const reply = await raw.read();
    expect(reply.opCode).toBe(1);
    expect(reply.doc).toMatchObject({ ismaster: true, ok: 1, maxWireVersion: expect.any(Number) });
  });

  it('unwraps a {$query} wrapped command', async () => {
    raw.send(opQuery('admin.$cmd', { $query: { isMaster: 1 }, $readPreference: { mode: 'primary' } }));
    expect((await raw.read()).doc).toMatchObject({ ismaster: true, ok: 1 });
  });

  it('refuses other commands over OP_QUERY like MongoDB 5.1+', async () => {
    raw.send(opQuery('admin.$cmd', { ping: 1 }));
    const reply = await raw.read();
    expect(reply.opCode).toBe(1);
    expect(reply.doc).toMatchObject({ ok: 0, code: 352 });
  });
});

describe('OP_MSG', () => {
  it('answers with the request id as responseTo and no checksum', async () => {
    raw.send(opMsg({ ping: 1, $db: 'admin' }, 0, 4242));
    const reply = await raw.read();
    expect(reply).toMatchObject({ opCode: 2013, responseTo: 4242, flags: 0 });
    expect(reply.doc.ok).toBe(1);
  });

  it('merges a kind 1 document sequence into the command', async () => {
    const coll = `seq-${Date.now()}`;
    raw.send(
      opMsgWithSequence({ insert: coll, $db: db.databaseName }, 'documents', [{ a: 1 }, { a: 2 }, { a: 3 }]),
    );
    expect((await raw.read()).doc).toMatchObject({ n: 3, ok: 1 });
    expect(await db.collection<Row>(coll).countDocuments()).toBe(3);
  });

  it('accepts a message carrying a CRC-32C checksum', async () => {
    const coll = `crc-${Date.now()}`;
    raw.send(opMsgWithSequence({ insert: coll, $db: db.databaseName }, 'documents', [{ a: 1 }], true));
    const reply = await raw.read();
    expect(reply.doc).toMatchObject({ n: 1, ok: 1 });
    expect(reply.flags & 1).toBe(0);
  });

  it('inserts 1,000 documents with insertMany', async () => {
    const docs = Array.from({ length: 1000 }, (_, i) => ({ i, payload: 'x'.repeat(100) }));
    const result = await db.collection<Row>('many').insertMany(docs);
    expect(result.insertedCount).toBe(1000);
    expect(await db.collection<Row>('many').countDocuments()).toBe(1000);
  });

  it('runs a mixed bulkWrite', async () => {
    const coll = db.collection<Row>('bulk');
    const result = await coll.bulkWrite([
      { insertOne: { document: { _id: 1, n: 1 } } },
      { insertOne: { document: { _id: 2, n: 2 } } },
      { updateOne: { filter: { _id: 1 }, update: { $set: { n: 10 } } } },
      { updateMany: { filter: {}, update: { $inc: { n: 1 } } } },
      { replaceOne: { filter: { _id: 3 }, replacement: { n: 3 }, upsert: true } },
      { deleteOne: { filter: { _id: 2 } } },
    ]);
    expect(result).toMatchObject({
      insertedCount: 2,
      matchedCount: 3,
      modifiedCount: 3,
      upsertedCount: 1,
      deletedCount: 1,
    });
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, n: 11 },
      { _id: 3, n: 3 },
    ]);
  });

  it('sends no reply to a w:0 write (moreToCome) and still applies it', async () => {
    const coll = db.collection<Row>('unacknowledged');
    const result = await coll.insertOne({ _id: 'fire-and-forget' }, { writeConcern: { w: 0 } });
    expect(result.acknowledged).toBe(false);
    for (let i = 0; i < 50 && (await coll.countDocuments()) === 0; i++) await sleep(20);
    expect(await coll.findOne()).toEqual({ _id: 'fire-and-forget' });
  });

  it('does not answer a raw moreToCome request', async () => {
    const coll = `more-${Date.now()}`;
    raw.send(opMsg({ insert: coll, documents: [{ a: 1 }], $db: db.databaseName, writeConcern: { w: 0 } }, 2));
    raw.send(opMsg({ ping: 1, $db: 'admin' }, 0, 99));
    const reply = await raw.read();
    expect(reply.responseTo).toBe(99);
    expect(await db.collection<Row>(coll).countDocuments()).toBe(1);
  });
});
