import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';

describe('manager-sync and specialist-sync', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
    await h.startWorkers();
  });
  afterAll(() => h.close());

  it.each([
    ['manager-sync', 'manager'],
    ['specialist-sync', 'specialist'],
  ] as const)(
    '%s writes UserMeta(U) on every order where U is the %s, and only there',
    async (queue, role) => {
      const user = aUser();
      const other = aUser();
      const mine = [
        anOrder({ [role]: user._id }),
        anOrder({
          [role]: user._id,
          metadata: { dashclicks_team: { [role]: { name: 'old' } }, note: 'kept' },
        }),
      ];
      const theirs = anOrder({
        [role]: other._id,
        metadata: { dashclicks_team: { [role]: { name: 'untouched' } } },
      });
      await insertAll(h.collections, { users: [user, other], orders: [...mine, theirs] });

      await h.enqueue(queue, { userId: user._id.toHexString() });
      await h.drain();

      for (const order of mine) {
        const saved = await h.collections.orders.findOne({ _id: order._id });
        expect(saved?.metadata.dashclicks_team[role]).toEqual(metaOf(user));
      }
      expect((await h.collections.orders.findOne({ _id: mine[1]._id }))?.metadata.note).toBe('kept');
      expect(
        (await h.collections.orders.findOne({ _id: theirs._id }))?.metadata.dashclicks_team[role],
      ).toEqual({ name: 'untouched' });
    },
  );

  it('leaves the copies of a deleted manager as they were', async () => {
    const gone = aUser();
    const order = anOrder({ manager: gone._id, metadata: { dashclicks_team: { manager: metaOf(gone) } } });
    await insertAll(h.collections, { orders: [order] });

    await h.enqueue('manager-sync', { userId: gone._id.toHexString() });
    await h.drain();

    expect(
      (await h.collections.orders.findOne({ _id: order._id }))?.metadata.dashclicks_team.manager,
    ).toEqual(metaOf(gone));
  });
});
