/**
 * The data layer against a real MongoDB (whichever test/support chose): every model writes and reads its
 * collection under the configured name, platform fields we don't model survive our writes, and
 * `ensureIndexes` creates exactly the indexes the sync queries need.
 */
import { Writable } from 'node:stream';
import { Types } from 'mongoose';
import { loadConfig } from '../../../src/config/load-config';
import { connectMongo, type MongoConnection } from '../../../src/db/connect-mongo';
import { createModels, type SyncModels } from '../../../src/db/create-models';
import { ensureIndexes } from '../../../src/db/ensure-indexes';
import { syncCollections } from '../../../src/db/sync-collections';
import { createLogger } from '../../../src/logging/create-logger';
import { assertNothingLeaked, trackMongooseConnection } from '../../support/leak-guard';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';

const logger = createLogger({
  logLevel: 'silent',
  logPretty: false,
  destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
});

// Non-default names prove the names come from config, not from the schemas.
const config = loadConfig({
  USERS_COLLECTION: 'test_users',
  ACCOUNTS_COLLECTION: 'test_accounts',
  CONTACTS_COLLECTION: 'test.crm.contacts',
  ORDERS_COLLECTION: 'test._store.orders',
  TASKS_COLLECTION: 'test.projects.tasks',
});

const userMeta = (id: Types.ObjectId, name: string) => ({
  id,
  name,
  email: `${name.toLowerCase()}@example.com`,
  phone: '',
  image: null,
});

describe('data models', () => {
  let mongo: TestMongo;
  let mongoConnection: MongoConnection;
  let models: SyncModels;

  beforeAll(async () => {
    mongo = await acquireTestMongo();
    mongoConnection = await connectMongo(
      { mongoUrl: mongo.uri, mongoDatabase: mongo.databaseName() },
      logger,
      {
        serverSelectionTimeoutMS: 5000,
      },
    );
    trackMongooseConnection(mongoConnection.connection, 'models test');
    models = createModels(mongoConnection.connection, config.collections);
  });

  afterAll(async () => {
    await mongoConnection?.close();
    await mongo?.release();
    await assertNothingLeaked();
  });

  it('writes and reads a user, keeping fields the platform has and we do not model', async () => {
    const account = new Types.ObjectId();
    // A variable, not a literal: `last_login` is a platform field our types rightly don't know.
    const user = {
      account,
      is_owner: true,
      name: 'Ada',
      email: 'ada@example.com',
      phone: '+15550100',
      last_login: new Date('2024-01-01T00:00:00Z'),
    };
    const { _id } = await models.users.create(user);
    const raw = await mongoConnection.db.collection('test_users').findOne({ _id });
    expect(raw).toEqual({
      _id,
      account,
      is_owner: true,
      name: 'Ada',
      email: 'ada@example.com',
      phone: '+15550100',
      last_login: new Date('2024-01-01T00:00:00Z'),
    });
    const read = await models.users.findById(_id).lean();
    expect(read?.account).toBeInstanceOf(Types.ObjectId);
    expect(read?.account?.equals(account)).toBe(true);
  });

  it('casts string ids to ObjectIds in queries and writes', async () => {
    const account = new Types.ObjectId();
    await models.users.create({ account: account.toHexString(), name: 'Bo', email: 'bo@example.com' });
    const found = await models.users.findOne({ account: account.toHexString() }).lean();
    expect(found?.name).toBe('Bo');
    const raw = await mongoConnection.db.collection('test_users').findOne({ account });
    expect(raw?.account).toBeInstanceOf(Types.ObjectId);
  });

  it('writes and reads an account owner without an _id or version key', async () => {
    const ownerId = new Types.ObjectId();
    const owner = { id: ownerId, name: 'Ada', email: 'ada@example.com', phone: '', avatar: null };
    const account = { owner, plan: 'pro' };
    const { _id } = await models.accounts.create(account);
    const raw = await mongoConnection.db.collection('test_accounts').findOne({ _id });
    expect(raw).toEqual({ _id, owner, plan: 'pro' });
    const read = await models.accounts.findById(_id).lean();
    expect(read?.owner).toEqual(owner);
  });

  it('writes and reads a contact', async () => {
    const account = new Types.ObjectId();
    const { _id } = await models.contacts.create({ account, type: 'business', email: 'biz@example.com' });
    const read = await models.contacts.findOne({ account, type: 'business' }).lean();
    expect(read).toEqual({ _id, account, type: 'business', email: 'biz@example.com' });
  });

  it('writes and reads an order with its team and responsible copies', async () => {
    const [manager, specialist, other] = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
    const order = {
      manager,
      specialist,
      assigned_user_ids: [specialist, other],
      metadata: {
        dashclicks_team: { manager: userMeta(manager, 'Max'), specialist: userMeta(specialist, 'Sue') },
        responsible: [userMeta(specialist, 'Sue'), userMeta(other, 'Oli')],
        billing: { plan: 'gold' },
      },
      total: 99,
    };
    const { _id } = await models.orders.create(order);
    const raw = await mongoConnection.db.collection('test._store.orders').findOne({ _id });
    expect(raw).toEqual({ _id, ...order });
    const read = await models.orders.findOne({ 'metadata.responsible.id': other }).lean();
    expect(read?._id.equals(_id)).toBe(true);
  });

  it('does not invent fields on documents that lack them', async () => {
    const { insertedId } = await mongoConnection.db
      .collection('test._store.orders')
      .insertOne({ legacy: true });
    const doc = await models.orders.findById(insertedId);
    expect(doc).not.toBeNull();
    doc?.set('legacy', false);
    await doc?.save();
    const raw = await mongoConnection.db.collection('test._store.orders').findOne({ _id: insertedId });
    expect(raw).toEqual({ _id: insertedId, legacy: false });
  });

  it('writes and reads a task, keeping unknown fields through a mongoose update', async () => {
    const orderId = new Types.ObjectId();
    const responsible = [userMeta(new Types.ObjectId(), 'Sue')];
    const task = { order_id: orderId, order_metadata: { responsible }, title: 'Call' };
    const { _id } = await models.tasks.create(task);
    await models.tasks.updateOne({ _id }, { $set: { 'order_metadata.responsible': [] } });
    const raw = await mongoConnection.db.collection('test.projects.tasks').findOne({ _id });
    expect(raw).toEqual({ _id, order_id: orderId, order_metadata: { responsible: [] }, title: 'Call' });
  });

  it('hands jobs the native collections under the configured names', async () => {
    const collections = syncCollections(mongoConnection.db, config.collections);
    expect(
      Object.fromEntries(
        Object.entries(collections).map(([key, collection]) => [key, collection.collectionName]),
      ),
    ).toEqual({
      users: 'test_users',
      accounts: 'test_accounts',
      clerkDeletions: 'test_users.clerk_deletions',
      contacts: 'test.crm.contacts',
      orders: 'test._store.orders',
      tasks: 'test.projects.tasks',
    });
    const { _id } = await models.orders.create({ manager: new Types.ObjectId() });
    expect(await collections.orders.countDocuments({ _id })).toBe(1);
  });

  it('creates no index until ensureIndexes runs, then exactly the ones the sync queries need', async () => {
    const db = mongoConnection.db;
    const keysOf = async (collection: string) =>
      (await db.collection(collection).listIndexes().toArray()).map(
        index => index.key as Record<string, unknown>,
      );

    expect(await keysOf('test._store.orders')).toEqual([{ _id: 1 }]);

    await ensureIndexes(models);
    await ensureIndexes(models); // idempotent

    expect(await keysOf('test._store.orders')).toEqual([
      { _id: 1 },
      { manager: 1 },
      { specialist: 1 },
      { assigned_user_ids: 1 },
      { 'metadata.responsible.id': 1 },
    ]);
    expect(await keysOf('test.projects.tasks')).toEqual([
      { _id: 1 },
      { order_id: 1 },
      { 'order_metadata.responsible.id': 1 },
    ]);
    expect(await keysOf('test.crm.contacts')).toEqual([{ _id: 1 }, { account: 1, type: 1 }]);
    expect(await keysOf('test_users')).toEqual([{ _id: 1 }, { account: 1, is_owner: 1 }, { clerk_id: 1 }]);
    // Unique among the users that have one: most platform users come from elsewhere and have none.
    const clerkIndex = (await mongoConnection.db.collection('test_users').listIndexes().toArray()).find(
      index => index.key.clerk_id === 1,
    );
    expect(clerkIndex).toMatchObject({ unique: true, sparse: true });
    expect(await keysOf('test_accounts')).toEqual([{ _id: 1 }]);
  });
});
