import { Double, Int32, Long, ObjectId, Timestamp } from 'bson';
import type { Fixture } from './hub-fixture';
import { drain, insert, makeFixture, remove, update } from './hub-fixture';

describe('the user pipeline after $changeStream', () => {
  let f: Fixture;
  beforeEach(() => {
    f = makeFixture();
  });
  afterEach(() => f.close());

  const id = new ObjectId();
  const user = {
    _id: id,
    name: { first: 'Ann', last: 'Lee' },
    email: 'ann@x.io',
    logins: new Long(5),
    age: new Int32(30),
  };

  /** Labels of the events that pass, from: insert, updates of name.first, last_login and email, delete. */
  async function passing(pipeline: object[]): Promise<string[]> {
    const cursor = f.open({}, {}, pipeline as never);
    f.hub.append([insert('users', user)]);
    f.hub.append([update('users', user, user, { updatedFields: { 'name.first': 'Anne' } })]);
    f.hub.append([update('users', user, user, { updatedFields: { last_login: new Date() } })]);
    f.hub.append([
      update('users', user, user, { updatedFields: { email: 'a@x.io' }, removedFields: ['phone'] }),
    ]);
    f.hub.append([remove('users', user)]);
    return (await drain(cursor)).map(label);
  }
  /** An update is named after the field it set; other events after their operationType. */
  const label = (event: { operationType?: string; updateDescription?: { updatedFields: object } }) =>
    event.operationType === 'update'
      ? Object.keys(event.updateDescription!.updatedFields)[0]!
      : String(event.operationType);

  it('$match on operationType', async () => {
    expect(await passing([{ $match: { operationType: { $in: ['insert', 'delete'] } } }])).toEqual([
      'insert',
      'delete',
    ]);
  });

  it('$match on fullDocument fields holding bson numbers', async () => {
    expect(await passing([{ $match: { 'fullDocument.age': 30 } }])).toEqual(['insert']);
    expect(
      await passing([{ $match: { 'fullDocument.logins': { $gte: new Int32(5), $lt: new Double(9) } } }]),
    ).toEqual(['insert']);
    expect(await passing([{ $match: { 'fullDocument.age': new Int32(31) } }])).toEqual([]);
  });

  it('$match on documentKey._id (ObjectId)', async () => {
    expect(await passing([{ $match: { 'documentKey._id': new ObjectId(id.toHexString()) } }])).toHaveLength(
      5,
    );
    expect(await passing([{ $match: { 'documentKey._id': new ObjectId() } }])).toEqual([]);
  });

  it('$match with $exists on updatedFields', async () => {
    expect(
      await passing([{ $match: { 'updateDescription.updatedFields.email': { $exists: true } } }]),
    ).toEqual(['email']);
  });

  it('$match with $expr over $objectToArray catches dotted sub-paths in updatedFields', async () => {
    const changedNameOrEmail = {
      $gt: [
        {
          $size: {
            $filter: {
              input: { $objectToArray: '$updateDescription.updatedFields' },
              cond: { $regexMatch: { input: '$$this.k', regex: '^(name|email)(\\.|$)' } },
            },
          },
        },
        new Int32(0),
      ],
    };
    expect(
      await passing([{ $match: { operationType: 'update' } }, { $match: { $expr: changedNameOrEmail } }]),
    ).toEqual(['name.first', 'email']);
  });

  it('$match on clusterTime orders Timestamps numerically', async () => {
    const cursor = f.open({}, {}, [
      { $match: { clusterTime: { $gt: new Timestamp({ t: 999_999_999, i: 9 }) } } },
    ]);
    f.hub.append([insert('users', user)]);
    expect(await drain(cursor)).toHaveLength(1);
  });

  it('$project, $set, $unset keep the bson types of fields they pass through', async () => {
    const cursor = f.open({}, {}, [
      { $project: { operationType: 1, clusterTime: 1, fullDocument: 1 } },
      { $set: { 'fullDocument.years': { $add: ['$fullDocument.age', 1] } } },
      { $unset: 'fullDocument.email' },
    ]);
    f.hub.append([insert('users', user)]);
    const [event] = await drain(cursor);
    expect(Object.keys(event!).sort()).toEqual(['_id', 'clusterTime', 'fullDocument', 'operationType']);
    expect(event!.clusterTime).toBeInstanceOf(Timestamp);
    expect(event!.fullDocument._id).toBeInstanceOf(ObjectId);
    expect(event!.fullDocument.age).toBeInstanceOf(Int32);
    expect(event!.fullDocument.logins).toBeInstanceOf(Long);
    expect(event!.fullDocument.years).toBe(31);
    expect(event!.fullDocument).not.toHaveProperty('email');
    expect(user).toHaveProperty('email');
  });

  it('$replaceRoot / $replaceWith that keep _id, and $redact', async () => {
    const cursor = f.open({}, {}, [
      { $replaceWith: { _id: '$_id', who: '$fullDocument.name.first' } },
      { $redact: { $cond: [{ $eq: ['$who', 'Ann'] }, '$$KEEP', '$$PRUNE'] } },
    ]);
    f.hub.append([insert('users', user)]);
    f.hub.append([insert('users', { ...user, name: { first: 'Bob' } })]);
    const events = await drain(cursor);
    expect(events.map(e => e.who)).toEqual(['Ann']);
  });

  it('modifying _id fails the stream with ChangeStreamFatalError', async () => {
    const cursor = f.open({}, {}, [{ $project: { _id: 0, operationType: 1 } }]);
    f.hub.append([insert('users', user)]);
    await expect(cursor.next(10, 0)).rejects.toMatchObject({ code: 280 });
  });

  it('rejects stages MongoDB does not permit and malformed specifications', () => {
    expect(() => f.open({}, {}, [{ $group: { _id: null } }])).toThrow(expect.objectContaining({ code: 20 }));
    expect(() => f.open({}, {}, [{ $bogus: {} }])).toThrow(expect.objectContaining({ code: 40324 }));
    expect(() => f.open({}, {}, [{ $match: {}, $project: {} }])).toThrow(
      expect.objectContaining({ code: 40323 }),
    );
    expect(() => f.open({}, {}, [{ $match: { x: { $nope: 1 } } }])).toThrow(
      expect.objectContaining({ code: 168 }),
    );
  });

  it('a stage error on one event fails that getMore with a command error', async () => {
    const cursor = f.open({}, {}, [{ $match: { $expr: { $gt: [{ $size: '$fullDocument.name' }, 0] } } }]);
    f.hub.append([insert('users', user)]);
    await expect(cursor.next(10, 0)).rejects.toMatchObject({ name: 'MongoCommandError' });
  });
});

describe('post-image lookups and the leading $match', () => {
  const doc = (n: number) => ({ _id: n, kind: n % 2 === 0 ? 'even' : 'odd' });

  /** Appends 10 updates with fullDocument: 'updateLookup' and counts the lookups the stream made. */
  async function lookupsFor(pipeline: object[]): Promise<{ events: number; lookups: number }> {
    let lookups = 0;
    const f = makeFixture({
      lookup: (_db, _coll, id) => {
        lookups += 1;
        return doc(Number(id));
      },
    });
    try {
      const cursor = f.open({}, { fullDocument: 'updateLookup' }, pipeline as never);
      for (let n = 0; n < 10; n++)
        f.hub.append([update('users', doc(n), doc(n), { updatedFields: { [`field${n % 5}`]: n } })]);
      return { events: (await drain(cursor)).length, lookups };
    } finally {
      f.close();
    }
  }

  it('a $match that reads no image runs first: an event it rejects costs no lookup', async () => {
    expect(
      await lookupsFor([{ $match: { 'updateDescription.updatedFields.field0': { $exists: true } } }]),
    ).toEqual({
      events: 2,
      lookups: 2,
    });
  });

  it('a $match that reads the post-image sees it, looked up for every event', async () => {
    expect(await lookupsFor([{ $match: { 'fullDocument.kind': 'even' } }])).toEqual({
      events: 5,
      lookups: 10,
    });
    expect(await lookupsFor([{ $match: { $expr: { $eq: ['$fullDocument.kind', 'odd'] } } }])).toEqual({
      events: 5,
      lookups: 10,
    });
  });

  it('both kinds in one pipeline: the image-free one first, the other on what passes it', async () => {
    expect(
      await lookupsFor([
        { $match: { 'fullDocument.kind': 'even' } },
        { $match: { 'updateDescription.updatedFields.field0': { $exists: true } } },
      ]),
    ).toEqual({ events: 1, lookups: 2 });
  });
});
