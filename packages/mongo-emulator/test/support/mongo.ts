/**
 * The MongoDB a test file talks to: MONGO_URL when set (a real replica set, to check that a test describes
 * MongoDB rather than this emulator), else an emulator started for the file. Printed once per file
 * (`[backends] mongo=...`) so a run says what it tested. Call it in `beforeAll` and `release()` in `afterAll`.
 */
import { randomUUID } from 'node:crypto';
import { relative } from 'node:path';
import { MongoClient } from 'mongodb';
import { startMongoEmulator } from '../../src';
import { trackMongoClient } from './leak-guard';

export type TestMongoKind = 'MONGO_URL' | 'emulator';

export interface TestMongo {
  /** Connection string; may carry options (`/?replicaSet=rs0`) but names no database to use. */
  uri: string;
  kind: TestMongoKind;
  /** A fresh database name per call: tests never share data. */
  databaseName(): string;
  /** A connected driver client, tracked by the leak guard: close it in the test. */
  connect(): Promise<MongoClient>;
  /** Drops the databases handed out (on a shared server) or stops the emulator. */
  release(): Promise<void>;
}

export async function acquireTestMongo(): Promise<TestMongo> {
  const external = process.env.MONGO_URL;
  const emulator = external ? undefined : await startMongoEmulator({ port: 0 });
  const uri = external ?? emulator!.uri;
  const kind: TestMongoKind = external ? 'MONGO_URL' : 'emulator';
  report(external ? 'MONGO_URL' : `emulator:${emulator!.port}`);
  const handedOut: string[] = [];
  let released: Promise<void> | undefined;
  return {
    uri,
    kind,
    databaseName: () => {
      const name = `test-${randomUUID()}`;
      handedOut.push(name);
      return name;
    },
    connect: async () => trackMongoClient(await new MongoClient(uri).connect(), `MongoClient ${kind}`),
    release: () => {
      released ??= (async () => {
        // Only a server someone else runs keeps our databases after we stop: clean those up.
        if (external) await dropDatabases(external, handedOut);
        await emulator?.stop();
      })();
      return released;
    },
  };
}

const reported = new Set<string>();

function report(description: string): void {
  const state = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.();
  const testPath = state?.testPath ? relative(process.cwd(), state.testPath) : '';
  if (reported.has(testPath)) return;
  reported.add(testPath);
  process.stderr.write(`[backends] mongo=${description}${testPath ? ` (${testPath})` : ''}\n`);
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
