import { ObjectId, Timestamp } from 'mongodb';
import { MalformedChangeEventError, routeChange } from '../../../src/listener/route-change';

const userId = new ObjectId();
const clusterTime = new Timestamp({ t: 1700000000, i: 3 });
const collections = {
  users: '_users',
  accounts: '_accounts',
  contacts: 'crm.contacts',
  orders: '_store.orders',
  tasks: 'projects.tasks',
};
const event = (operationType: string, extra: Record<string, unknown> = {}) => ({
  _id: { _data: 'x' },
  operationType,
  clusterTime,
  ns: { coll: collections.users },
  documentKey: { _id: userId },
  ...extra,
});
const route = (e: Record<string, unknown>) => routeChange(e, collections);
const queues = (e: Record<string, unknown>) => route(e).map(job => job.queue);

describe('routeChange', () => {
  it('insert of an owner -> owner-sync; of anyone else -> nothing', () => {
    expect(queues(event('insert', { fullDocument: { is_owner: true } }))).toEqual(['owner-sync']);
    expect(queues(event('insert', { fullDocument: { is_owner: false } }))).toEqual([]);
  });

  it('replace -> the team jobs, plus owner-sync for an owner', () => {
    expect(queues(event('replace', { fullDocument: { is_owner: true } }))).toEqual([
      'owner-sync',
      'manager-sync',
      'specialist-sync',
      'responsible-rebuild',
    ]);
    expect(queues(event('replace', { fullDocument: {} }))).toEqual([
      'manager-sync',
      'specialist-sync',
      'responsible-rebuild',
    ]);
  });

  it('an update of a profile field or sub-path, set or removed, -> the team jobs (+ owner-sync for owners)', () => {
    expect(
      queues(event('update', { changedPaths: ['name.first'], fullDocument: { is_owner: false } })),
    ).toEqual(['manager-sync', 'specialist-sync', 'responsible-rebuild']);
    expect(
      queues(
        event('update', {
          updateDescription: { updatedFields: {}, removedFields: ['phone'] },
          fullDocument: { is_owner: true },
        }),
      ),
    ).toEqual(['owner-sync', 'manager-sync', 'specialist-sync', 'responsible-rebuild']);
  });

  it('an update of is_owner or account alone -> owner-sync only', () => {
    expect(queues(event('update', { changedPaths: ['is_owner'], fullDocument: { is_owner: true } }))).toEqual(
      ['owner-sync'],
    );
    expect(queues(event('update', { changedPaths: ['account'], fullDocument: { is_owner: false } }))).toEqual(
      ['owner-sync'],
    );
  });

  it('an update of anything else -> nothing; look-alike names do not count', () => {
    expect(
      queues(event('update', { changedPaths: ['last_login', 'names', 'emailVerified', 'phone_numbers'] })),
    ).toEqual([]);
  });

  it('delete -> responsible-rebuild', () => {
    expect(queues(event('delete'))).toEqual(['responsible-rebuild']);
  });

  it('derives job ids from job type, user and clusterTime, without colons', () => {
    const [job] = route(event('delete'));
    expect(job.jobId).toBe(`responsible-rebuild-${userId.toHexString()}-1700000000-3`);
    expect(job.jobId).not.toContain(':');
    expect(job).toMatchObject({
      kind: 'user',
      subjectId: userId.toHexString(),
      cause: { operationType: 'delete', clusterTime: '1700000000.3' },
    });
    expect(job.deduplicationId).toBe(`responsible-rebuild-${userId.toHexString()}`);
  });

  it('rejects an event without an ObjectId key or a clusterTime', () => {
    expect(() => route(event('delete', { documentKey: { _id: 'abc' } }))).toThrow(MalformedChangeEventError);
    expect(() => route(event('delete', { clusterTime: undefined }))).toThrow(MalformedChangeEventError);
  });
});
