import { ClerkEventError, parseClerkEvent } from '../../../src/identity/clerk-event';
import { clerkUser, deletedEvent, userEvent } from '../../support/clerk-webhooks';

const ann = {
  id: 'user_ann',
  email: 'ann@example.com',
  first_name: 'Ann',
  last_name: 'Lee',
  updated_at: 1000,
};

function problem(body: unknown): { field: string; message: string } {
  try {
    parseClerkEvent(body);
  } catch (error) {
    if (error instanceof ClerkEventError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected the event to be refused');
}

describe('parseClerkEvent (SPEC §7)', () => {
  it('reads user.created and user.updated with the user, user.deleted with its id and time', () => {
    expect(parseClerkEvent(userEvent('user.created', ann))).toMatchObject({
      kind: 'user',
      type: 'user.created',
      user: { id: 'user_ann', updated_at: 1000 },
    });
    expect(parseClerkEvent(deletedEvent('user_ann', 5000))).toEqual({
      kind: 'deleted',
      type: 'user.deleted',
      clerkId: 'user_ann',
      deletedAt: 5000,
    });
  });

  it('passes other event types through as "other", without reading their data', () => {
    expect(parseClerkEvent({ type: 'session.created', data: 'anything' })).toEqual({
      kind: 'other',
      type: 'session.created',
    });
  });

  it('names the field that is wrong, never its value', () => {
    const noEmail = { ...userEvent('user.updated', ann), data: { ...clerkUser(ann), email_addresses: [] } };
    expect(problem(noEmail)).toEqual({
      field: 'data.email_addresses',
      message: 'data.email_addresses must hold at least one email address',
    });
    const nameless = userEvent('user.created', { ...ann, first_name: null, last_name: ' ' });
    expect(problem(nameless).field).toBe('data.first_name');
    // A rename to nothing is no reason to refuse an update: the stored name stays.
    expect(() =>
      parseClerkEvent(userEvent('user.updated', { ...ann, first_name: null, last_name: null })),
    ).not.toThrow();
    expect(problem({ type: 'user.updated', data: { ...clerkUser(ann), updated_at: 'yesterday' } })).toEqual({
      field: 'data.updated_at',
      message: 'data.updated_at must be a number (ms since the epoch)',
    });
    const badAccount = userEvent('user.updated', { ...ann, public_metadata: { account_id: 'acme' } });
    expect(problem(badAccount).field).toBe('data.public_metadata.account_id');
    expect(problem({ data: {} })).toEqual({ field: 'type', message: 'type is required' });
    expect(problem({ type: 'user.deleted', data: {} }).field).toBe('data.id');
    const withAddress = problem({ ...userEvent('user.updated', ann), data: { ...clerkUser(ann), id: 7 } });
    expect(JSON.stringify(withAddress)).not.toContain('ann@example.com');
  });
});
