import type { MongoClient } from 'mongodb';
import { startAll, type AllProcess } from '../../support/all-process';
import { TEST_WEBHOOK_SECRET, deliver, nextSvixId, userEvent } from '../../support/clerk-webhooks';
import { assertNothingLeaked } from '../../support/leak-guard';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §7: a delivery that cannot be queued answers 503, so Clerk retries it; once Redis is back, the
 * retried delivery (the same svix-id) is applied.
 */
describe('the webhook endpoint while Redis is down', () => {
  let mongo: TestMongo;
  let redis: TestRedis;
  let client: MongoClient;
  let all: AllProcess;
  beforeAll(async () => {
    mongo = await acquireTestMongo();
    redis = await acquireTestRedis({ faultInjection: true });
    client = await mongo.connect();
  });
  afterAll(async () => {
    await client.close();
    await all.stop();
    await redis.release();
    await mongo.release();
    await assertNothingLeaked();
  });

  it('answers 503 at once, and applies the retried delivery once Redis is back', async () => {
    const database = mongo.databaseName();
    all = await startAll({
      MONGO_URL: mongo.urlFor(database),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.queuePrefix(),
      CLERK_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      WEBHOOK_PORT: '0',
    });
    const [, url] = await all.process.waitFor(/"url":"(http:\/\/[^"]+\/webhooks\/clerk)"/);
    await all.waitUntilReady();
    const delivery = {
      svixId: nextSvixId(),
      body: JSON.stringify(
        userEvent('user.created', {
          id: 'user_outage',
          email: 'outage@example.com',
          first_name: 'Olga',
          updated_at: 1000,
        }),
      ),
    };

    await redis.stop();
    const started = Date.now();
    const answer = await waitUntil('a 503 while Redis is down', async () => {
      const response = await deliver(url, delivery);
      return response.status === 503 ? response : undefined;
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(answer.body.error).toMatch(/^not queued, try again: /);

    await redis.start();
    const retried = await waitUntil(
      'the retried delivery to be queued',
      async () => {
        const response = await deliver(url, delivery);
        return response.status === 200 ? response : undefined;
      },
      { timeoutMs: 30_000, everyMs: 250 },
    );
    expect(retried.body).toEqual({ queued: `clerk-${delivery.svixId}` });
    const user = await waitUntil(
      'the user to be created',
      async () =>
        (await client.db(database).collection('_users').findOne({ clerk_id: 'user_outage' })) ?? undefined,
    );
    expect(user).toMatchObject({ name: 'Olga', email: 'outage@example.com' });
  });
});
