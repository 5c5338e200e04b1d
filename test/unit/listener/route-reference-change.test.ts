import { ObjectId, Timestamp } from 'mongodb';
import { MalformedChangeEventError, routeChange } from '../../../src/listener/route-change';

const collections = {
  users: '_users',
  accounts: '_accounts',
  contacts: 'crm.contacts',
  orders: '_store.orders',
  tasks: 'projects.tasks',
};
const clusterTime = new Timestamp({ t: 1700000000, i: 7 });
const documentId = new ObjectId();
const orderId = new ObjectId();
const accountId = new ObjectId();
const event = (coll: string, operationType: string, extra: Record<string, unknown> = {}) => ({
  _id: { _data: 'x' },
  operationType,
  clusterTime,
  ns: { coll },
  documentKey: { _id: documentId },
  ...extra,
});
const routes = (e: Record<string, unknown>) =>
  routeChange(e, collections).map(job => [job.queue, job.kind, job.subjectId]);

describe('routeChange for the documents that reference users (SPEC §2b)', () => {
  const order = documentId.toHexString();

  it('an order inserted or replaced -> its team copies and its responsible list', () => {
    for (const operationType of ['insert', 'replace']) {
      expect(routes(event(collections.orders, operationType, { fullDocument: {} }))).toEqual([
        ['manager-sync', 'order', order],
        ['specialist-sync', 'order', order],
        ['responsible-rebuild', 'order', order],
      ]);
    }
  });

  it('an order update -> only the jobs of the member fields it set or removed', () => {
    expect(routes(event(collections.orders, 'update', { changedPaths: ['manager'] }))).toEqual([
      ['manager-sync', 'order', order],
    ]);
    expect(routes(event(collections.orders, 'update', { changedPaths: ['specialist'] }))).toEqual([
      ['specialist-sync', 'order', order],
    ]);
    expect(routes(event(collections.orders, 'update', { changedPaths: ['assigned_user_ids.2'] }))).toEqual([
      ['responsible-rebuild', 'order', order],
    ]);
    expect(routes(event(collections.orders, 'update', { changedPaths: ['status', 'managers'] }))).toEqual([]);
  });

  it('a task inserted or moved -> task-cascade of the order it names now; no order, nothing', () => {
    expect(routes(event(collections.tasks, 'insert', { fullDocument: { order_id: orderId } }))).toEqual([
      ['task-cascade', 'order', orderId.toHexString()],
    ]);
    expect(
      routes(
        event(collections.tasks, 'update', {
          changedPaths: ['order_id'],
          fullDocument: { order_id: orderId },
        }),
      ),
    ).toEqual([['task-cascade', 'order', orderId.toHexString()]]);
    expect(routes(event(collections.tasks, 'insert', { fullDocument: {} }))).toEqual([]);
    expect(
      routes(event(collections.tasks, 'update', { changedPaths: ['order_id'], fullDocument: null })),
    ).toEqual([]);
  });

  it('an account inserted or replaced -> owner-sync of that account; updates and deletes -> nothing', () => {
    expect(routes(event(collections.accounts, 'insert', { fullDocument: {} }))).toEqual([
      ['owner-sync', 'account', documentId.toHexString()],
    ]);
    expect(routes(event(collections.accounts, 'update', { changedPaths: ['owner'] }))).toEqual([]);
    expect(routes(event(collections.accounts, 'delete'))).toEqual([]);
  });

  it('a business contact added or moved -> owner-sync of its account; any other contact -> nothing', () => {
    const business = { account: accountId, type: 'business' };
    expect(routes(event(collections.contacts, 'insert', { fullDocument: business }))).toEqual([
      ['owner-sync', 'account', accountId.toHexString()],
    ]);
    expect(
      routes(event(collections.contacts, 'update', { changedPaths: ['type'], fullDocument: business })),
    ).toEqual([['owner-sync', 'account', accountId.toHexString()]]);
    expect(
      routes(event(collections.contacts, 'insert', { fullDocument: { account: accountId, type: 'person' } })),
    ).toEqual([]);
    // Deleted since the event: the post-image lookup found nothing.
    expect(
      routes(event(collections.contacts, 'update', { changedPaths: ['type'], fullDocument: null })),
    ).toEqual([]);
  });

  it('scopes ids and coalescing keys by subject kind, so an order and a user never share a job', () => {
    const [job] = routeChange(
      event(collections.orders, 'update', { changedPaths: ['manager'] }),
      collections,
    );
    expect(job.jobId).toBe(`manager-sync-order-${order}-1700000000-7`);
    expect(job.deduplicationId).toBe(`manager-sync-order-${order}`);
  });

  it('rejects an order event whose key is not an ObjectId', () => {
    expect(() =>
      routeChange(event(collections.orders, 'insert', { documentKey: { _id: 'x1' } }), collections),
    ).toThrow(MalformedChangeEventError);
  });
});
