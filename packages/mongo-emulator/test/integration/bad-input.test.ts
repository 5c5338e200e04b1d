/**
 * Malformed input never takes the emulator down: each kind of garbage gets an error reply or a closed
 * connection, and the next client is served as if nothing happened.
 */
import { MongoClient } from 'mongodb';
import { startMongoEmulator } from '../../src';
import type { MongoEmulator } from '../../src';
import { assertNothingLeaked, trackResource } from '../support/leak-guard';
import { RawClient, opMsg } from './raw-client';

// A project-level testTimeout is not honoured by jest (it is a global option): set it here.
jest.setTimeout(30_000);

let server: MongoEmulator;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startMongoEmulator({ port: 0 });
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server?.stop();
});

afterEach(async () => {
  // Whatever the previous test sent, a fresh driver client still gets served.
  const client = await new MongoClient(server.uri, { serverSelectionTimeoutMS: 3000 }).connect();
  try {
    expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
  } finally {
    await client.close();
  }
  expect(unhandled).toEqual([]);
  await assertNothingLeaked();
});

async function connect(): Promise<RawClient> {
  const raw = await RawClient.connect(server.host, server.port);
  return trackResource(raw, 'raw socket', expect.getState().currentTestName ?? 'raw', () => !raw.isClosed);
}

function header(length: number, opCode: number): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.writeInt32LE(length, 0);
  bytes.writeInt32LE(1, 4);
  bytes.writeInt32LE(opCode, 12);
  return bytes;
}

describe('bad framing closes the connection', () => {
  it.each([
    ['an absurd length', header(0x7fffffff, 2013)],
    ['a negative length', header(-5, 2013)],
    ['a length shorter than the header', header(8, 2013)],
    ['an unknown opCode', Buffer.concat([header(26, 9999), Buffer.alloc(10)])],
    ['an OP_COMPRESSED nobody negotiated', Buffer.concat([header(26, 2012), Buffer.alloc(10)])],
  ])('%s', async (_case, bytes) => {
    const raw = await connect();
    raw.send(bytes);
    await raw.closed;
    expect(raw.isClosed).toBe(true);
  });

  it('a checksum that does not match', async () => {
    const message = opMsg({ ping: 1, $db: 'admin' }, 1);
    const withCrc = Buffer.concat([message, Buffer.from([1, 2, 3, 4])]);
    withCrc.writeInt32LE(withCrc.length, 0);
    const raw = await connect();
    raw.send(withCrc);
    await raw.closed;
  });
});

describe('a bad body gets an error reply and the connection lives on', () => {
  it('BSON whose length overruns the message', async () => {
    const message = opMsg({ ping: 1, $db: 'admin' });
    message.writeInt32LE(5000, 21);
    const raw = await connect();
    raw.send(message);
    const reply = (await raw.read()).doc;
    expect(reply).toMatchObject({ ok: 0, code: 22, codeName: 'InvalidBSON' });
    expect(reply.$clusterTime).toBeDefined();
    raw.send(opMsg({ ping: 1, $db: 'admin' }));
    expect((await raw.read()).doc).toMatchObject({ ok: 1 });
    raw.close();
  });

  it('garbage bytes inside a well-sized document', async () => {
    const message = opMsg({ ping: 1, pad: 'xxxxxxxxxxxx', $db: 'admin' });
    message.fill(0x7f, 26, 40);
    const raw = await connect();
    raw.send(message);
    expect((await raw.read()).doc).toMatchObject({ ok: 0 });
    raw.close();
  });

  it('an unknown section kind, a missing $db, unknown required flag bits', async () => {
    const raw = await connect();
    const badKind = opMsg({ ping: 1, $db: 'admin' });
    badKind.writeUInt8(7, 20);
    raw.send(badKind);
    expect((await raw.read()).doc).toMatchObject({ ok: 0 });
    raw.send(opMsg({ ping: 1 }));
    expect((await raw.read()).doc).toMatchObject({ ok: 0 });
    raw.send(opMsg({ ping: 1, $db: 'admin' }, 1 << 4));
    expect((await raw.read()).doc).toMatchObject({ ok: 0 });
    raw.close();
  });

  it('an empty command and a non-string collection name', async () => {
    const raw = await connect();
    raw.send(opMsg({ $db: 'admin' }));
    expect((await raw.read()).doc).toMatchObject({ ok: 0, code: 59 });
    raw.send(opMsg({ find: 42, $db: 'admin' }));
    expect((await raw.read()).doc).toMatchObject({ ok: 0, code: 73 });
    raw.close();
  });
});

describe('half messages', () => {
  it('a truncated header followed by a hang-up', async () => {
    const raw = await connect();
    raw.send(Buffer.from([0x20, 0, 0]));
    raw.close();
    await raw.closed;
  });

  it('a message cut short, then the rest', async () => {
    const raw = await connect();
    const message = opMsg({ ping: 1, $db: 'admin' });
    raw.send(message.subarray(0, 10));
    await new Promise(resolve => setTimeout(resolve, 20));
    raw.send(message.subarray(10));
    expect((await raw.read()).doc).toMatchObject({ ok: 1 });
    raw.close();
  });

  it('random garbage', async () => {
    const raw = await connect();
    const garbage = Buffer.alloc(4096);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) & 0xff;
    raw.send(garbage);
    await raw.closed;
  });
});
