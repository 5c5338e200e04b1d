import { ObjectId, type ChangeStream, type ChangeStreamDocument, type Document } from 'mongodb';
import managerSync from '../../../jobs/manager-sync';
import responsibleRebuild from '../../../jobs/responsible-rebuild';
import specialistSync from '../../../jobs/specialist-sync';
import { armFaultPoint, disarmFaultPoints, FaultPointNames } from '../../../src/testing/fault-points';
import { directJobContext } from '../../support/direct-job-context';
import { trackChangeStream } from '../../support/leak-guard';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §2 (level-triggered, never stale): an order reassigned between a job's read and its write never
 * receives the old user's copy, not even for the moment until the job settles. The final state alone
 * cannot show that (settling repairs it), so every write to the order is watched on a change stream.
 */
describe('an order reassigned between the read and the write of its job', () => {
  let h: SyncHarness;
  let stream: ChangeStream;
  const events: ChangeStreamDocument[] = [];

  beforeAll(async () => {
    h = await startSyncHarness();
    stream = trackChangeStream(h.collections.orders.watch([], { maxAwaitTimeMS: 100 }));
    // The first tryNext opens the stream: writes before it would not be seen.
    expect(await stream.tryNext()).toBeNull();
  });
  afterEach(() => disarmFaultPoints());
  afterAll(async () => {
    await stream?.close();
    await h?.close();
  });

  /** Returns once the stream has delivered every write made before this call. */
  async function throughMarker(): Promise<void> {
    const marker = new ObjectId();
    await h.collections.orders.insertOne({ _id: marker, marker: true });
    await waitUntil('the marker on the stream', async () => {
      for (let event = await stream.tryNext(); event !== null; event = await stream.tryNext())
        events.push(event);
      return events.some(event => 'documentKey' in event && marker.equals(event.documentKey._id as ObjectId));
    });
  }

  /** What every update of the order wrote, as it was written. */
  async function writesTo(order: ObjectId): Promise<Document[]> {
    await throughMarker();
    return events.flatMap(event =>
      event.operationType === 'update' && order.equals(event.documentKey._id)
        ? [event.updateDescription.updatedFields ?? {}]
        : [],
    );
  }

  it.each(['manager', 'specialist'] as const)('%s-sync {orderIds} never writes the old copy', async role => {
    const job = role === 'manager' ? managerSync : specialistSync;
    const [before, after] = [aUser(), aUser()];
    const order = anOrder({ [role]: before._id });
    await insertAll(h.collections, { users: [before, after], orders: [order] });

    armFaultPoint(FaultPointNames.settleBeforeWrite, async () => {
      await h.collections.orders.updateOne({ _id: order._id }, { $set: { [role]: after._id } });
    });
    await job({ orderIds: [order._id.toHexString()] }, directJobContext(h.collections));

    const writes = await writesTo(order._id);
    expect(writes.length).toBeGreaterThanOrEqual(2);
    for (const written of writes) expect(JSON.stringify(written)).not.toContain(before._id.toHexString());
    const current = await h.collections.orders.findOne({ _id: order._id });
    expect(current?.metadata?.dashclicks_team).toEqual({ [role]: metaOf(after) });
  });

  it('responsible-rebuild {orderIds} never writes the array of the users assigned before', async () => {
    const [before, after] = [aUser(), aUser()];
    const order = anOrder({ assigned_user_ids: [before._id], metadata: { responsible: [] } });
    await insertAll(h.collections, { users: [before, after], orders: [order] });

    armFaultPoint(FaultPointNames.rebuildBeforeWrite, async () => {
      await h.collections.orders.updateOne({ _id: order._id }, { $set: { assigned_user_ids: [after._id] } });
    });
    await responsibleRebuild({ orderIds: [order._id.toHexString()] }, directJobContext(h.collections));

    const writes = await writesTo(order._id);
    expect(writes.length).toBeGreaterThanOrEqual(2);
    for (const written of writes) expect(JSON.stringify(written)).not.toContain(before._id.toHexString());
    const current = await h.collections.orders.findOne({ _id: order._id });
    expect(current?.metadata?.responsible).toEqual([metaOf(after)]);
  });
});
