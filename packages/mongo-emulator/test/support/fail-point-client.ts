/**
 * A file-wide driver client for fail point tests, shaped like mongod's test command so the file also runs
 * against a real server started with enableTestCommands=1. Fail points name this client's appName, so they
 * never hit other clients of a shared server; every test's fail point is switched off after it.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { MongoClient } from 'mongodb';
import type { CommandStartedEvent, Db, Document } from 'mongodb';
import { assertNothingLeaked } from './leak-guard';
import { acquireTestMongo, type TestMongo } from './mongo';

export interface FailPointClient {
  mongo: TestMongo;
  client: MongoClient;
  db: Db;
  failCommand(mode: unknown, data?: Document): Promise<Document>;
  /** mongod's failGetMoreAfterCursorCheckout: fails a getMore once its cursor is known. */
  failGetMore(mode: unknown, data?: Document): Promise<Document>;
  /** How many times the driver sent `name` in this test (retries show up here). */
  count(name: string): number;
}

export function useFailPointClient(): FailPointClient {
  const appName = `fault-${randomUUID()}`;
  const started: CommandStartedEvent[] = [];
  const handles = {} as FailPointClient;
  handles.failCommand = (mode, data = {}) =>
    handles.client
      .db('admin')
      .command({ configureFailPoint: 'failCommand', mode, data: { appName, ...data } });
  handles.failGetMore = (mode, data = {}) =>
    handles.client
      .db('admin')
      .command({ configureFailPoint: 'failGetMoreAfterCursorCheckout', mode, data: { appName, ...data } });
  handles.count = name => started.filter(event => event.commandName === name).length;

  beforeAll(async () => {
    handles.mongo = await acquireTestMongo();
    // Under jest the driver's dynamic `import('os')` fails and it sends empty client metadata, appName
    // included; handing it `os` makes the handshake carry the appName the fail points filter on.
    handles.client = await new MongoClient(handles.mongo.uri, {
      appName,
      monitorCommands: true,
      runtimeAdapters: { os },
    }).connect();
    handles.client.on('commandStarted', event => started.push(event));
    handles.db = handles.client.db(handles.mongo.databaseName());
  });
  beforeEach(() => {
    started.length = 0;
  });
  afterEach(async () => {
    await handles.failCommand('off');
    await handles.failGetMore('off');
    await assertNothingLeaked();
  });
  afterAll(async () => {
    await handles.db?.dropDatabase();
    await handles.client?.close();
    await handles.mongo?.release();
  });
  return handles;
}
