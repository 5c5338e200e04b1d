import type { Db, MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { loadConfig } from '../../../src/config/load-config';
import { createModels } from '../../../src/db/create-models';
import { ensureIndexes } from '../../../src/db/ensure-indexes';
import { syncCollections } from '../../../src/db/sync-collections';
import { applyIdentityEvent } from '../../../src/identity/apply-identity-event';
import { checkClerkUser } from '../../../src/identity/clerk-event';
import { slimUser, type IdentityJobData } from '../../../src/identity/identity-job';
import { clerkUser, type ClerkUserShape } from '../../support/clerk-webhooks';
import { assertNothingLeaked, trackMongoClient } from '../../support/leak-guard';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';

/**
 * The processor's compare-and-set, against MongoDB with the indexes production creates: events of one
 * user applied at the same time end with the newest, whatever order their writes reach the server in.
 */
describe('applyIdentityEvent under concurrency', () => {
  let mongo: TestMongo;
  let client: MongoClient;
  let db: Db;
  beforeAll(async () => {
    mongo = await acquireTestMongo();
    const database = mongo.databaseName();
    const indexing = await mongoose
      .createConnection(mongo.uri, { dbName: database, autoIndex: false })
      .asPromise();
    await ensureIndexes(createModels(indexing, loadConfig({}).collections));
    await indexing.close();
    client = trackMongoClient(await mongo.connect(), 'identity test');
    db = client.db(database);
  });
  afterAll(async () => {
    await client.close();
    await mongo.release();
    await assertNothingLeaked();
  });

  const collections = () => syncCollections(db, loadConfig({}).collections);
  const updated = (
    user: ClerkUserShape,
    type: 'user.created' | 'user.updated' = 'user.updated',
  ): IdentityJobData => ({
    type,
    source: 'webhook',
    user: slimUser(checkClerkUser(clerkUser(user), 'data')),
  });

  it('a newer and an older update at once: the newer wins, in every round', async () => {
    const base = { id: 'user_cas', email: 'cas@example.com', first_name: 'Base', updated_at: 1 };
    await applyIdentityEvent(collections(), updated(base));
    for (let round = 1; round <= 20; round += 1) {
      const older = round * 10;
      const outcomes = await Promise.all([
        applyIdentityEvent(
          collections(),
          updated({ ...base, first_name: `Newer ${round}`, updated_at: older + 5 }),
        ),
        applyIdentityEvent(
          collections(),
          updated({ ...base, first_name: `Older ${round}`, updated_at: older }),
        ),
      ]);
      expect(outcomes.map(result => result.outcome)).toEqual(['updated', 'stale']);
      expect(await db.collection('_users').findOne({ clerk_id: base.id })).toMatchObject({
        name: `Newer ${round}`,
        clerk_updated_at: older + 5,
      });
    }
  });

  it('two creates of one Clerk user at once make one users document', async () => {
    const user = { id: 'user_twice', email: 'twice@example.com', first_name: 'Twice', updated_at: 5 };
    const created = updated(user, 'user.created');
    const outcomes = await Promise.all([
      applyIdentityEvent(collections(), created),
      applyIdentityEvent(collections(), created),
    ]);
    expect(outcomes.map(result => result.outcome).sort()).toEqual(['created', 'unchanged']);
    expect(await db.collection('_users').countDocuments({ clerk_id: user.id })).toBe(1);
  });
});
