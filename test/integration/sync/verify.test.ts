import { ObjectId } from 'mongodb';
import { auditDrift } from '../../../src/verify/audit-drift';
import { enqueueRepairs } from '../../../src/verify/enqueue-repairs';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';

const ownerOf = (user: Record<string, unknown>) => ({
  id: user._id,
  name: user.name,
  email: user.email,
  phone: user.phone,
  avatar: user.image,
});

describe('verify', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
  });
  afterAll(() => h.close());

  it('finds planted drift of every kind with sample ids, and --fix repairs all that jobs can repair', async () => {
    const account = new ObjectId();
    const owner = aUser({ account, is_owner: true });
    const [ann, bob, gone] = [aUser(), aUser(), aUser()];
    const invalid = aUser({ name: 7 });
    const converged = anOrder({
      manager: ann._id,
      specialist: bob._id,
      assigned_user_ids: [ann._id, bob._id],
      metadata: {
        dashclicks_team: { manager: metaOf(ann), specialist: metaOf(bob) },
        responsible: [metaOf(ann), metaOf(bob)],
      },
    });
    const managerDrift = anOrder({
      manager: ann._id,
      metadata: { dashclicks_team: { manager: { ...metaOf(ann), email: 'old@x' } } },
    });
    const specialistDrift = anOrder({
      specialist: bob._id,
      metadata: { dashclicks_team: { specialist: { ...metaOf(bob), phone: '' } } },
    });
    const responsibleDrift = anOrder({
      assigned_user_ids: [ann._id, gone._id],
      metadata: { responsible: [metaOf(gone)] },
    });
    // SPEC §2b: an order whose specialist was unset keeps no copy of the one it had.
    const unassignedDrift = anOrder({ metadata: { dashclicks_team: { specialist: metaOf(bob) } } });
    const businessContact = { _id: new ObjectId(), account, type: 'business', email: 'stale@example.com' };
    const taskDrift = aTask(converged, { order_metadata: { responsible: [metaOf(bob), metaOf(ann)] } });
    await insertAll(h.collections, {
      users: [owner, ann, bob, invalid],
      accounts: [{ _id: account, owner: { ...ownerOf(owner), name: 'Old name' } }],
      contacts: [businessContact],
      orders: [converged, managerDrift, specialistDrift, responsibleDrift, unassignedDrift],
      tasks: [aTask(converged, { order_metadata: { responsible: [metaOf(ann), metaOf(bob)] } }), taskDrift],
    });

    const before = (await auditDrift(h.collections)).toJSON();
    expect(before.clean).toBe(false);
    expect(before.drift).toEqual({
      'account-owner': { count: 1, samples: [String(account)] },
      'business-contact-email': { count: 1, samples: [String(businessContact._id)] },
      'order-manager': { count: 1, samples: [String(managerDrift._id)] },
      'order-specialist': {
        count: 2,
        samples: expect.arrayContaining([String(specialistDrift._id), String(unassignedDrift._id)]),
      },
      'order-responsible': { count: 1, samples: [String(responsibleDrift._id)] },
      'task-responsible': { count: 1, samples: [String(taskDrift._id)] },
      'invalid-user': { count: 1, samples: [String(invalid._id)] },
      'invalid-order': { count: 0, samples: [] },
    });

    const report = await auditDrift(h.collections);
    await enqueueRepairs(report, h.queues);
    const pool = await h.startWorkers();
    await h.drain();
    await pool.close();

    const after = (await auditDrift(h.collections)).toJSON();
    expect(after.drift).toMatchObject({
      'account-owner': { count: 0 },
      'business-contact-email': { count: 0 },
      'order-manager': { count: 0 },
      'order-specialist': { count: 0 },
      'order-responsible': { count: 0 },
      'task-responsible': { count: 0 },
      'invalid-user': { count: 1 },
    });
    expect((await h.collections.orders.findOne({ _id: responsibleDrift._id }))?.metadata.responsible).toEqual(
      [metaOf(ann)],
    );
    expect((await h.collections.contacts.findOne({ _id: businessContact._id }))?.email).toBe(owner.email);
    expect((await h.collections.orders.findOne({ _id: unassignedDrift._id }))?.metadata).toEqual({
      dashclicks_team: {},
    });
  });

  it('reports a converged database as clean', async () => {
    await h.db.dropDatabase();
    const ann = aUser();
    const order = anOrder({
      manager: ann._id,
      assigned_user_ids: [ann._id],
      metadata: { dashclicks_team: { manager: metaOf(ann) }, responsible: [metaOf(ann)] },
    });
    await insertAll(h.collections, {
      users: [ann],
      orders: [order],
      tasks: [aTask(order, { order_metadata: { responsible: [metaOf(ann)] } })],
    });
    const report = (await auditDrift(h.collections)).toJSON();
    expect(report).toMatchObject({ clean: true, total: 0, scanned: { orders: 1, tasks: 1 } });
  });
});
