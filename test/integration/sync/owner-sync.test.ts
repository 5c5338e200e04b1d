import { ObjectId } from 'mongodb';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, insertAll } from '../../support/sync-fixtures';

describe('owner-sync', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
    await h.startWorkers();
  });
  afterAll(() => h.close());

  it("writes Owner(U) on the owner's account and U's email on every business contact that differs", async () => {
    const account = new ObjectId();
    const owner = aUser({ account, is_owner: true });
    const otherAccount = new ObjectId();
    await insertAll(h.collections, {
      users: [owner],
      accounts: [
        { _id: account, name: 'Acme', owner: { id: owner._id, name: 'old' } },
        { _id: otherAccount, name: 'Other' },
      ],
      contacts: [
        { _id: new ObjectId(), account, type: 'business', email: 'stale@example.com' },
        { _id: new ObjectId(), account, type: 'business', email: 'also-stale@example.com' },
        { _id: new ObjectId(), account, type: 'person', email: 'person@example.com' },
        { _id: new ObjectId(), account: otherAccount, type: 'business', email: 'other@example.com' },
      ],
    });

    await h.enqueue('owner-sync', { userId: owner._id.toHexString() });
    await h.drain();

    const saved = await h.collections.accounts.findOne({ _id: account });
    expect(saved).toEqual({
      _id: account,
      name: 'Acme',
      owner: { id: owner._id, name: owner.name, email: owner.email, phone: owner.phone, avatar: owner.image },
    });
    const contacts = await h.collections.contacts.find({}, { sort: { email: 1 } }).toArray();
    expect(
      contacts.filter(c => c.account.equals(account) && c.type === 'business').map(c => c.email),
    ).toEqual([owner.email, owner.email]);
    expect(contacts.find(c => c.type === 'person')?.email).toBe('person@example.com');
    expect(contacts.find(c => c.account.equals(otherAccount))?.email).toBe('other@example.com');
    expect(await h.collections.accounts.findOne({ _id: otherAccount })).toEqual({
      _id: otherAccount,
      name: 'Other',
    });
  });

  it("normalises a missing phone to '' and a missing image to a null avatar (the seed's edge cases)", async () => {
    const account = new ObjectId();
    const { phone: _phone, image: _image, ...owner } = aUser({ account, is_owner: true });
    await insertAll(h.collections, { users: [owner], accounts: [{ _id: account }] });

    await h.enqueue('owner-sync', { userId: owner._id.toHexString() });
    await h.drain();

    expect((await h.collections.accounts.findOne({ _id: account }))?.owner).toEqual({
      id: owner._id,
      name: owner.name,
      email: owner.email,
      phone: '',
      avatar: null,
    });
  });

  it('works for an owner whose account has no business contact', async () => {
    const account = new ObjectId();
    const owner = aUser({ account, is_owner: true });
    await insertAll(h.collections, { users: [owner], accounts: [{ _id: account }] });

    await h.enqueue('owner-sync', { userId: owner._id.toHexString() });
    await h.drain();

    expect((await h.collections.accounts.findOne({ _id: account }))?.owner.email).toBe(owner.email);
    expect(await h.collections.contacts.countDocuments({ account })).toBe(0);
  });

  it('does nothing for a user who is not an owner', async () => {
    const account = new ObjectId();
    const member = aUser({ account, is_owner: false });
    await insertAll(h.collections, {
      users: [member],
      accounts: [{ _id: account, owner: { name: 'someone else' } }],
      contacts: [{ _id: new ObjectId(), account, type: 'business', email: 'boss@example.com' }],
    });

    await h.enqueue('owner-sync', { userId: member._id.toHexString() });
    await h.drain();

    expect((await h.collections.accounts.findOne({ _id: account }))?.owner).toEqual({ name: 'someone else' });
    expect((await h.collections.contacts.findOne({ account }))?.email).toBe('boss@example.com');
  });
});
