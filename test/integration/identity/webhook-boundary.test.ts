import { waitUntil } from '../../support/wait-until';
import {
  OTHER_WEBHOOK_SECRET,
  clerkUser,
  deliver,
  nextSvixId,
  signedHeaders,
  userEvent,
} from '../../support/clerk-webhooks';
import { useWebhookStack } from './webhook-stack';

/**
 * SPEC §7 at the HTTP boundary of a running `all`: every refused delivery answers its status and leaves
 * nothing behind (no users document, no job); a redelivery of one message is one job.
 */
describe('the Clerk webhook endpoint refuses what it must, and writes nothing for it', () => {
  const stack = useWebhookStack();
  const ann = {
    id: 'user_boundary_ann',
    email: 'ann.boundary@example.com',
    first_name: 'Ann',
    updated_at: 1000,
  };
  const body = JSON.stringify(userEvent('user.created', ann));

  /**
   * Sends, then checks nothing was queued or written. No wait is needed: the endpoint answers only after
   * its enqueue, so a job added for a refused delivery would already be there.
   */
  async function refused(
    delivery: Parameters<typeof deliver>[1],
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const answer = await deliver(stack.webhookUrl, delivery);
    expect(await stack.identityJobs()).toBe(0);
    expect(await stack.db.collection('_users').countDocuments({ clerk_id: { $exists: true } })).toBe(0);
    return answer;
  }

  it('401: a bad signature, another secret, a stale timestamp, a body replayed under another svix-id, no headers', async () => {
    const svixId = nextSvixId();
    const headers = signedHeaders({ svixId, body });
    expect(
      (await refused({ svixId, body, headers: { 'svix-signature': 'v1,bm90IGEgc2lnbmF0dXJl' } })).status,
    ).toBe(401);
    expect((await refused({ svixId: nextSvixId(), body, secret: OTHER_WEBHOOK_SECRET })).status).toBe(401);
    const stale = await refused({ svixId: nextSvixId(), body, at: new Date(Date.now() - 6 * 60_000) });
    expect(stale).toEqual({ status: 401, body: { error: 'signature refused: Message timestamp too old' } });
    // The same body and signature, presented as a new message.
    expect(
      (
        await refused({
          svixId: nextSvixId(),
          body,
          headers: {
            'svix-timestamp': headers['svix-timestamp'],
            'svix-signature': headers['svix-signature'],
          },
        })
      ).status,
    ).toBe(401);
    const response = await fetch(stack.webhookUrl, { method: 'POST', body });
    expect(response.status).toBe(401);
  });

  it('400 naming the field: a missing email, a user.created without a name, malformed JSON', async () => {
    const noEmail = JSON.stringify({
      ...userEvent('user.created', ann),
      data: { ...clerkUser(ann), email_addresses: [] },
    });
    expect(await refused({ svixId: nextSvixId(), body: noEmail })).toEqual({
      status: 400,
      body: {
        error: 'data.email_addresses must hold at least one email address',
        field: 'data.email_addresses',
      },
    });
    const nameless = JSON.stringify(userEvent('user.created', { ...ann, first_name: null }));
    expect((await refused({ svixId: nextSvixId(), body: nameless })).body.field).toBe('data.first_name');
    expect(await refused({ svixId: nextSvixId(), body: '{"type": "user.created", "data": ' })).toEqual({
      status: 400,
      body: { error: 'the body is not JSON' },
    });
  });

  it('413: a body over 1 MiB, signed or not', async () => {
    const huge = JSON.stringify({ ...userEvent('user.created', ann), padding: 'x'.repeat(1024 * 1024) });
    expect((await refused({ svixId: nextSvixId(), body: huge })).status).toBe(413);
  });

  it('only POST /webhooks/clerk is served on WEBHOOK_PORT', async () => {
    const origin = new URL(stack.webhookUrl).origin;
    expect((await fetch(`${origin}/`)).status).toBe(404);
    expect((await fetch(`${origin}/metrics`)).status).toBe(404);
    expect((await fetch(`${origin}/readyz`)).status).toBe(404);
    expect((await fetch(stack.webhookUrl)).status).toBe(405);
  });

  it('200 for other event types, counted, nothing queued', async () => {
    const other = JSON.stringify({ object: 'event', type: 'session.created', data: { id: 'sess_1' } });
    expect(await refused({ svixId: nextSvixId(), body: other })).toEqual({
      status: 200,
      body: { ignored: 'session.created' },
    });
    expect(
      await stack.all.metric('user_sync_webhook_requests_total', { status: '200', type: 'session.created' }),
    ).toBe(1);
  });

  it('a redelivery of the same svix-id is one job, and the user is created once', async () => {
    const svixId = nextSvixId();
    const first = await deliver(stack.webhookUrl, { svixId, body });
    const again = await deliver(stack.webhookUrl, { svixId, body });
    expect(first).toEqual({ status: 200, body: { queued: `clerk-${svixId}` } });
    expect(again).toEqual(first);
    await waitUntil('the user to be created', () => stack.userByClerkId(ann.id));
    expect(await stack.identityJobs()).toBe(1);
    expect(await stack.db.collection('_users').countDocuments({ clerk_id: ann.id })).toBe(1);
    const stored = await stack.userByClerkId(ann.id);
    expect(stored).toMatchObject({ email: ann.email, name: 'Ann', clerk_updated_at: 1000 });
    expect(stored).not.toHaveProperty('phone');
  });
});
