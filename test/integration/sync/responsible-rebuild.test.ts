import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';

describe('responsible-rebuild and task-cascade', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
    await h.startWorkers();
  });
  afterAll(() => h.close());

  it("replaces only U's element in place and cascades it to the order's tasks", async () => {
    const [ann, bob] = [aUser(), aUser()];
    const staleBob = { ...metaOf(bob), name: 'stale but not ours to fix' };
    const order = anOrder({
      assigned_user_ids: [ann._id, bob._id],
      metadata: { responsible: [{ ...metaOf(ann), name: 'old' }, staleBob] },
    });
    const tasks = [
      aTask(order, { order_metadata: { responsible: [{ ...metaOf(ann), name: 'old' }, staleBob] } }),
      aTask(order),
    ];
    await insertAll(h.collections, { users: [ann, bob], orders: [order], tasks });

    await h.enqueue('responsible-rebuild', { userId: ann._id.toHexString() });
    await h.drain();

    const saved = await h.collections.orders.findOne({ _id: order._id });
    expect(saved?.metadata.responsible).toEqual([metaOf(ann), staleBob]);
    const [first] = await h.collections.tasks.find({ _id: tasks[0]._id }).toArray();
    expect(first.order_metadata.responsible).toEqual([metaOf(ann), staleBob]);
  });

  it('rebuilds the array from assigned_user_ids, in that order, when U is missing from it', async () => {
    const [ann, bob, cy] = [aUser(), aUser({ phone: undefined }), aUser()];
    const order = anOrder({
      assigned_user_ids: [cy._id, ann._id, bob._id],
      metadata: { responsible: [metaOf(ann)] },
    });
    const missingArray = anOrder({ assigned_user_ids: [bob._id] });
    const tasks = [aTask(order), aTask(missingArray)];
    await insertAll(h.collections, { users: [ann, bob, cy], orders: [order, missingArray], tasks });

    await h.enqueue('responsible-rebuild', { userId: bob._id.toHexString() });
    await h.drain();

    const expected = [metaOf(cy), metaOf(ann), { ...metaOf(bob), phone: '' }];
    expect((await h.collections.orders.findOne({ _id: order._id }))?.metadata.responsible).toEqual(expected);
    expect((await h.collections.orders.findOne({ _id: missingArray._id }))?.metadata.responsible).toEqual([
      { ...metaOf(bob), phone: '' },
    ]);
    expect((await h.collections.tasks.findOne({ _id: tasks[0]._id }))?.order_metadata.responsible).toEqual(
      expected,
    );
    expect((await h.collections.tasks.findOne({ _id: tasks[1]._id }))?.order_metadata.responsible).toEqual([
      { ...metaOf(bob), phone: '' },
    ]);
  });

  it('drops a deleted user from every responsible array and its tasks, and keeps the manager copy', async () => {
    const [ann, gone] = [aUser(), aUser()];
    const order = anOrder({
      manager: gone._id,
      assigned_user_ids: [gone._id, ann._id],
      metadata: { dashclicks_team: { manager: metaOf(gone) }, responsible: [metaOf(gone), metaOf(ann)] },
    });
    const task = aTask(order, { order_metadata: { responsible: [metaOf(gone), metaOf(ann)] } });
    await insertAll(h.collections, { users: [ann], orders: [order], tasks: [task] });

    await h.enqueue('responsible-rebuild', { userId: gone._id.toHexString() });
    await h.drain();

    const saved = await h.collections.orders.findOne({ _id: order._id });
    expect(saved?.metadata.responsible).toEqual([metaOf(ann)]);
    expect(saved?.metadata.dashclicks_team.manager).toEqual(metaOf(gone));
    expect((await h.collections.tasks.findOne({ _id: task._id }))?.order_metadata.responsible).toEqual([
      metaOf(ann),
    ]);
  });

  it('repairs explicit orders (verify --fix) from assigned_user_ids', async () => {
    const ann = aUser();
    const order = anOrder({ assigned_user_ids: [ann._id], metadata: { responsible: [{ id: 'garbage' }] } });
    await insertAll(h.collections, { users: [ann], orders: [order], tasks: [aTask(order)] });

    await h.enqueue('responsible-rebuild', { orderIds: [order._id.toHexString()] });
    await h.drain();

    expect((await h.collections.orders.findOne({ _id: order._id }))?.metadata.responsible).toEqual([
      metaOf(ann),
    ]);
    expect((await h.collections.tasks.findOne({ order_id: order._id }))?.order_metadata.responsible).toEqual([
      metaOf(ann),
    ]);
  });
});
