/**
 * For driver-level suites that must also run unchanged against a real replica set: one MongoDB (from
 * `acquireTestMongo`), one client and a fresh database for the whole file, dropped and released after it.
 * The file keeps its own variables; `assign` hands them the opened handles before its tests run.
 */
import { MongoClient, type Db } from 'mongodb';
import { acquireTestMongo, type TestMongo } from './mongo';

export interface DriverDatabase {
  mongo: TestMongo;
  client: MongoClient;
  db: Db;
}

export function useDriverDatabase(assign: (opened: DriverDatabase) => void): void {
  let opened: Partial<DriverDatabase> = {};
  beforeAll(async () => {
    const mongo = await acquireTestMongo();
    opened = { mongo };
    const client = await new MongoClient(mongo.uri).connect();
    opened = { mongo, client, db: client.db(mongo.databaseName()) };
    assign(opened as DriverDatabase);
  });
  afterAll(async () => {
    await opened.db?.dropDatabase();
    await opened.client?.close();
    await opened.mongo?.release();
  });
}
