/**
 * What the emulator refuses rather than accept and ignore, each with mongod's own code for it: views,
 * validators and collations are CommandNotSupported (115); a sort on an update statement is what
 * MongoDB 7.0 answers itself (an unknown field, 40415). Emulator-only: a real server supports the first three.
 */
import type { MongoClient } from 'mongodb';
import { startMongoEmulator } from '../../src';
import type { MongoEmulator } from '../../src';
import { assertNothingLeaked, trackMongoClient } from '../support/leak-guard';
import { MongoClient as Client } from 'mongodb';

let emulator: MongoEmulator;
let client: MongoClient;

beforeAll(async () => {
  emulator = await startMongoEmulator({ port: 0 });
  client = trackMongoClient(await new Client(emulator.uri).connect());
});
afterAll(async () => {
  await client.close();
  await emulator.stop();
  await assertNothingLeaked();
});

const refused = (code: number, message: RegExp) =>
  expect.objectContaining({ code, message: expect.stringMatching(message) });

describe('refused, never silently ignored', () => {
  it('a view', async () => {
    const db = client.db('refusals');
    await expect(db.createCollection('v', { viewOn: 'people', pipeline: [] })).rejects.toEqual(
      refused(115, /view/),
    );
    expect(await db.listCollections({ name: 'v' }).toArray()).toEqual([]);
  });

  it('a validator, on create and on collMod', async () => {
    const db = client.db('refusals');
    const validator = { $jsonSchema: { required: ['name'] } };
    await expect(db.createCollection('validated', { validator })).rejects.toEqual(refused(115, /validat/));
    await db.createCollection('plain');
    await expect(db.command({ collMod: 'plain', validator })).rejects.toEqual(refused(115, /validat/));
  });

  it('a collation other than simple, wherever it is given', async () => {
    const coll = client.db('refusals').collection('words');
    await coll.insertOne({ w: 'PING' });
    const collation = { locale: 'en', strength: 2 };
    await expect(coll.find({ w: 'ping' }, { collation }).toArray()).rejects.toEqual(
      refused(115, /collation/),
    );
    await expect(coll.updateOne({ w: 'ping' }, { $set: { x: 1 } }, { collation })).rejects.toEqual(
      refused(115, /collation/),
    );
    await expect(coll.createIndex({ w: 1 }, { collation })).rejects.toEqual(refused(115, /collation/));
    expect(await coll.find({ w: 'PING' }, { collation: { locale: 'simple' } }).toArray()).toHaveLength(1);
  });

  it('updateOne with sort, as MongoDB 7.0 rejects the field', async () => {
    const coll = client.db('refusals').collection('sorted');
    await coll.insertMany([{ n: 1 }, { n: 2 }]);
    await expect(coll.updateOne({}, { $set: { hit: true } }, { sort: { n: -1 } })).rejects.toEqual(
      refused(40415, /update\.updates\.sort/),
    );
    expect(await coll.countDocuments({ hit: true })).toBe(0);
  });
});
