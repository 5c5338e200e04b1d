/**
 * The MongoDB a test file talks to, chosen in this order and printed (`[backends] mongo=...`):
 * 1. MONGO_URL, when set: a real replica set someone runs (CI with a service, or the emulator conformance
 *    suite checked against MongoDB itself); tests get fresh databases on it and drop them on release.
 * 2. testcontainers' MongoDB (a one-node replica set), when a Docker engine answers.
 * 3. a local `mongod` through mongodb-memory-server, only when a binary is already there
 *    (MONGOMS_SYSTEM_BINARY or `mongod` on PATH): nothing is ever downloaded.
 * 4. the embedded emulator (@user-sync/mongo-emulator, packages/mongo-emulator), which needs nothing installed.
 * Call it in `beforeAll` and `release()` in `afterAll`.
 */
import { randomUUID } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { MongoClient } from 'mongodb';
import { probeDocker } from './docker-probe';
import { trackMongoClient } from './leak-guard';
import { reportBackend } from './report-backend';

export type TestMongoKind = 'MONGO_URL' | 'testcontainers' | 'mongodb-memory-server' | 'emulator';

export interface TestMongo {
  /** Connection string; may carry options (`/?replicaSet=rs0`) but names no database to use. */
  uri: string;
  kind: TestMongoKind;
  /** A fresh database name per call: tests never share data. */
  databaseName(): string;
  /** `uri` with `database` as its path, as a MONGO_URL for code under test. */
  urlFor(database: string): string;
  /** A connected driver client, tracked by the leak guard: close it in the test. */
  connect(): Promise<MongoClient>;
  /** Drops the databases handed out (on a shared server) or stops the server (one we started). */
  release(): Promise<void>;
}

interface Server {
  uri: string;
  kind: TestMongoKind;
  description: string;
  stop(): Promise<void>;
}

export async function acquireTestMongo(): Promise<TestMongo> {
  const server = await startServer();
  reportBackend('mongo', server.description);
  const handedOut: string[] = [];
  let released: Promise<void> | undefined;
  return {
    uri: server.uri,
    kind: server.kind,
    databaseName: () => {
      const name = `test-${randomUUID()}`;
      handedOut.push(name);
      return name;
    },
    urlFor: database => withDatabase(server.uri, database),
    connect: async () =>
      trackMongoClient(await new MongoClient(server.uri).connect(), `MongoClient ${server.kind}`),
    release: () => {
      released ??= (async () => {
        // Only a server someone else runs keeps our databases after we stop: clean those up.
        if (server.kind === 'MONGO_URL') await dropDatabases(server.uri, handedOut);
        await server.stop();
      })();
      return released;
    },
  };
}

async function startServer(): Promise<Server> {
  const external = process.env.MONGO_URL;
  if (external) {
    return { uri: external, kind: 'MONGO_URL', description: 'MONGO_URL', stop: async () => {} };
  }
  const docker = await probeDocker();
  if (docker.available) return startContainer();
  const binary = findMongodBinary();
  if (binary !== undefined) return startMemoryServer(binary);
  return startEmulator();
}

async function startContainer(): Promise<Server> {
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const container = await new MongoDBContainer('mongo:8.0').start();
  // The container's replica set config names its internal hostname; connect to the mapped port directly.
  const uri = `${container.getConnectionString()}/?directConnection=true`;
  return {
    uri,
    kind: 'testcontainers',
    description: `testcontainers:mongo:8.0@${container.getHost()}:${container.getFirstMappedPort()}`,
    stop: async () => void (await container.stop()),
  };
}

async function startMemoryServer(systemBinary: string): Promise<Server> {
  process.env.MONGOMS_RUNTIME_DOWNLOAD = 'false';
  const { MongoMemoryReplSet } = await import('mongodb-memory-server-core');
  const replSet = await MongoMemoryReplSet.create({
    binary: { systemBinary },
    replSet: { count: 1, name: 'rs0', storageEngine: 'wiredTiger' },
  });
  return {
    uri: replSet.getUri(),
    kind: 'mongodb-memory-server',
    description: `mongodb-memory-server:${systemBinary}`,
    stop: async () => void (await replSet.stop({ doCleanup: true, force: false })),
  };
}

async function startEmulator(): Promise<Server> {
  const { startMongoEmulator } = await import('@user-sync/mongo-emulator');
  const emulator = await startMongoEmulator({ port: 0 });
  return {
    uri: emulator.uri,
    kind: 'emulator',
    description: `emulator:${emulator.port}`,
    stop: () => emulator.stop(),
  };
}

/** MONGOMS_SYSTEM_BINARY, else `mongod` on PATH; undefined when neither is an executable file. */
export function findMongodBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env.MONGOMS_SYSTEM_BINARY,
    ...(env.PATH ?? '').split(delimiter).map(dir => (dir ? join(dir, 'mongod') : undefined)),
  ];
  return candidates.find(candidate => candidate !== undefined && isExecutable(candidate));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Puts `database` in the path of a connection string, keeping its hosts and options. */
export function withDatabase(uri: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`not a MongoDB connection string: ${uri}`);
  return `${match[1]}/${encodeURIComponent(database)}${match[2] ?? ''}`;
}

async function dropDatabases(uri: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  const client = await new MongoClient(uri).connect();
  try {
    for (const name of names) await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}
