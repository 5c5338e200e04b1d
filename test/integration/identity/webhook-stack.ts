/**
 * `user-sync all` with the webhook endpoint on (CLERK_WEBHOOK_SECRET), and what the identity tests look
 * at: the endpoint's URL, the identity-sync queue's jobs, and the users Clerk's ids name.
 */
import { Queue } from 'bullmq';
import type { Document } from 'mongodb';
import { useAllStack, type AllStack } from '../../support/all-stack';
import { TEST_WEBHOOK_SECRET } from '../../support/clerk-webhooks';

export interface WebhookStack extends AllStack {
  webhookUrl: string;
  identityQueue: Queue;
  /** undefined while there is none, so `waitUntil` can wait for it. */
  userByClerkId(clerkId: string): Promise<Document | undefined>;
  identityJobs(): Promise<number>;
}

export function useWebhookStack(env: Record<string, string> = {}): WebhookStack {
  const stack = useAllStack({
    env: { CLERK_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, WEBHOOK_PORT: '0', ...env },
  }) as WebhookStack;
  beforeAll(async () => {
    const [, url] = await stack.all.process.waitFor(/"url":"(http:\/\/[^"]+\/webhooks\/clerk)"/);
    stack.webhookUrl = url;
    stack.identityQueue = new Queue('identity-sync', {
      connection: { url: stack.redis.url },
      prefix: stack.env.QUEUE_PREFIX,
    });
    stack.userByClerkId = async clerkId =>
      (await stack.db.collection('_users').findOne({ clerk_id: clerkId })) ?? undefined;
    stack.identityJobs = async () =>
      Object.values(await stack.identityQueue.getJobCounts()).reduce((sum, count) => sum + count, 0);
  });
  afterAll(async () => {
    await stack.identityQueue?.close();
  });
  return stack;
}
