import type { Db, MongoClient } from 'mongodb';
import { syncCollections } from '../../../src/db/sync-collections';
import { loadSampleData, sampleData } from '../../../src/dev/sample-data';
import { auditDrift } from '../../../src/verify/audit-drift';
import type { SyncCollections } from '../../../src/sync/sync-job-context';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { assertNothingLeaked } from '../../support/leak-guard';

const NAMES = {
  users: '_users',
  accounts: '_accounts',
  contacts: 'crm.contacts',
  orders: '_store.orders',
  tasks: 'projects.tasks',
};

describe('dev sample data', () => {
  let mongo: TestMongo;
  let client: MongoClient;
  let db: Db;
  let collections: SyncCollections;
  beforeAll(async () => {
    mongo = await acquireTestMongo();
    client = await mongo.connect();
    db = client.db(mongo.databaseName());
    collections = syncCollections(db, NAMES);
  });
  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
    await mongo.release();
    await assertNothingLeaked();
  });

  it('loads with every derived copy already correct, so verify finds no drift', async () => {
    expect(await loadSampleData(collections)).toEqual({
      accounts: 4,
      users: 7,
      contacts: 6,
      orders: 9,
      tasks: 18,
    });
    const report = await auditDrift(collections);
    expect(report.toJSON()).toMatchObject({ clean: true, total: 0 });
  });

  it('loads twice without duplicating anything (a restart on a persistent MongoDB)', async () => {
    await loadSampleData(collections);
    const data = sampleData();
    for (const name of Object.keys(NAMES) as (keyof typeof NAMES)[]) {
      expect(await collections[name].countDocuments()).toBe(data[name].length);
    }
    // Every order has a manager, a specialist and tasks: the simulation's changes always reach something.
    const orders = await collections.orders.find().toArray();
    expect(
      orders.every(order => order.manager && order.specialist && order.assigned_user_ids.length > 0),
    ).toBe(true);
    expect(
      await collections.tasks.countDocuments({ 'order_metadata.responsible.0': { $exists: true } }),
    ).toBe(18);
  });
});
