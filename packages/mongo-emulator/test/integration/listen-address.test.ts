/**
 * Where the emulator listens (`host`) and what it tells clients to dial (`advertisedHost`): a replica-set
 * client reconnects to hello's `me`, so serving other containers takes both.
 */
import net from 'node:net';
import { MongoClient } from 'mongodb';
import { startMongoEmulator } from '../../src';
import { externalIPv4 } from '../support/external-address';
import { assertNothingLeaked, trackMongoClient } from '../support/leak-guard';

afterEach(() => assertNothingLeaked());

// A machine with no network interface but loopback still runs these: loopback stands in for it.
const external = externalIPv4() ?? '127.0.0.1';

async function insertAndCount(uri: string): Promise<number> {
  const client = trackMongoClient(await new MongoClient(uri, { serverSelectionTimeoutMS: 5000 }).connect());
  try {
    const things = client.db('listen-address').collection('things');
    await things.insertOne({ at: uri });
    return await things.countDocuments();
  } finally {
    await client.close();
  }
}

function connectRaw(host: string, port: number): Promise<'connected' | string> {
  return new Promise(resolve => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('listen address', () => {
  it('listens on 127.0.0.1 by default, out of reach of other machines', async () => {
    const emulator = await startMongoEmulator({ port: 0 });
    try {
      expect(emulator.uri).toBe(`mongodb://127.0.0.1:${emulator.port}/?replicaSet=rs0`);
      if (external !== '127.0.0.1') expect(await connectRaw(external, emulator.port)).toBe('ECONNREFUSED');
      expect(await insertAndCount(emulator.uri)).toBe(1);
    } finally {
      await emulator.stop();
    }
  });

  it('on 0.0.0.0 serves every interface, and advertises the name clients reach it by', async () => {
    const emulator = await startMongoEmulator({ port: 0, host: '0.0.0.0', advertisedHost: external });
    try {
      expect(emulator.uri).toBe(`mongodb://${external}:${emulator.port}/?replicaSet=rs0`);
      const client = trackMongoClient(await new MongoClient(emulator.uri).connect());
      try {
        const hello = await client.db('admin').command({ hello: 1 });
        expect(hello).toMatchObject({
          me: `${external}:${emulator.port}`,
          hosts: [`${external}:${emulator.port}`],
        });
      } finally {
        await client.close();
      }
      expect(await insertAndCount(emulator.uri)).toBe(1);
      expect(await insertAndCount(`mongodb://127.0.0.1:${emulator.port}/?directConnection=true`)).toBe(2);
    } finally {
      await emulator.stop();
    }
  });

  it('on 0.0.0.0 without an advertised name, reports 127.0.0.1: a wildcard is not an address to dial', async () => {
    const emulator = await startMongoEmulator({ port: 0, host: '0.0.0.0' });
    try {
      expect(emulator.uri).toBe(`mongodb://127.0.0.1:${emulator.port}/?replicaSet=rs0`);
      expect(await insertAndCount(emulator.uri)).toBe(1);
    } finally {
      await emulator.stop();
    }
  });
});
