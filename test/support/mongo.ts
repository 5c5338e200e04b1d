/**
 * The MongoDB a test talks to. Minimal first version: MONGO_URL when set (a real replica set, so the
 * emulator conformance suite can be checked against MongoDB itself), else an embedded emulator started
 * for the calling test file. The foundation work extends this with testcontainers and mongodb-memory-server.
 */
import { randomUUID } from 'node:crypto';
import { startMongoEmulator } from '../../src/dev/mongo-emulator';

export interface TestMongo {
  /** Connection string without a database path. */
  uri: string;
  kind: 'MONGO_URL' | 'emulator';
  /** A fresh database name per call: tests never share data. */
  databaseName(): string;
  release(): Promise<void>;
}

export async function acquireTestMongo(): Promise<TestMongo> {
  const databaseName = () => `test-${randomUUID()}`;
  if (process.env.MONGO_URL) {
    return { uri: process.env.MONGO_URL, kind: 'MONGO_URL', databaseName, release: async () => {} };
  }
  const server = await startMongoEmulator({ port: 0 });
  return { uri: server.uri, kind: 'emulator', databaseName, release: () => server.stop() };
}
