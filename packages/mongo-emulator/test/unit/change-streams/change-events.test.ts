import { Int32, Long, ObjectId, Timestamp } from 'bson';
import type { Fixture } from './hub-fixture';
import { DB, drain, insert, makeFixture, remove, replace, update } from './hub-fixture';

describe('change events', () => {
  let f: Fixture;
  beforeEach(() => {
    f = makeFixture();
  });
  afterEach(() => f.close());

  const id = new ObjectId();
  const v1 = { _id: id, name: 'Ann', age: new Int32(30) };
  const v2 = { _id: id, name: 'Anne', age: new Int32(30) };

  it('shapes insert, update, replace and delete as MongoDB 7 does', async () => {
    const cursor = f.open();
    f.hub.append([insert('users', v1)]);
    f.hub.append([update('users', v1, v2, { updatedFields: { name: 'Anne' } })]);
    f.hub.append([replace('users', v2, v1)]);
    f.hub.append([remove('users', v1)]);
    const [ins, upd, rep, del] = await drain(cursor);

    expect(Object.keys(ins!)).toEqual([
      '_id',
      'operationType',
      'clusterTime',
      'wallTime',
      'fullDocument',
      'ns',
      'documentKey',
    ]);
    expect(ins).toMatchObject({
      operationType: 'insert',
      ns: { db: DB, coll: 'users' },
      documentKey: { _id: id },
      fullDocument: v1,
    });
    expect(ins!._id._data).toMatch(/^[0-9a-f]+$/);
    expect(ins!.clusterTime).toBeInstanceOf(Timestamp);
    expect(ins!.wallTime).toBeInstanceOf(Date);
    expect(ins!.fullDocument.age).toBeInstanceOf(Int32);

    expect(Object.keys(upd!)).toEqual([
      '_id',
      'operationType',
      'clusterTime',
      'wallTime',
      'ns',
      'documentKey',
      'updateDescription',
    ]);
    expect(upd!.updateDescription).toEqual({
      updatedFields: { name: 'Anne' },
      removedFields: [],
      truncatedArrays: [],
    });

    expect(Object.keys(rep!)).toEqual([
      '_id',
      'operationType',
      'clusterTime',
      'wallTime',
      'fullDocument',
      'ns',
      'documentKey',
    ]);
    expect(rep!.fullDocument).toEqual(v1);

    expect(Object.keys(del!)).toEqual([
      '_id',
      'operationType',
      'clusterTime',
      'wallTime',
      'ns',
      'documentKey',
    ]);
    expect(del!.documentKey).toEqual({ _id: id });
  });

  it('orders events as appended with strictly increasing clusterTime and sorted tokens', async () => {
    const cursor = f.open();
    for (let k = 0; k < 50; k++) f.hub.append([insert('users', { _id: k })]);
    f.hub.append([insert('users', { _id: 50 }), insert('users', { _id: 51 })]);
    const events = await drain(cursor);
    expect(events.map(e => e.documentKey._id)).toEqual([...Array(52).keys()]);
    for (let k = 1; k < events.length; k++) {
      expect(events[k]!.clusterTime.greaterThan(events[k - 1]!.clusterTime)).toBe(true);
      expect(events[k]!._id._data > events[k - 1]!._id._data).toBe(true);
    }
  });

  it('append returns the last clusterTime, and now() reports it', async () => {
    const g = makeFixture({ wallClock: () => 1_700_000_000_000 });
    const cursor = g.open();
    const last = g.hub.append([insert('users', { _id: 1 }), insert('users', { _id: 2 })]);
    const events = await drain(cursor);
    expect(events[1]!.clusterTime.equals(last)).toBe(true);
    expect(g.hub.now().equals(last)).toBe(true);
    g.close();
  });

  it('a transaction commit shares one clusterTime and carries lsid and txnNumber', async () => {
    const cursor = f.open();
    const lsid = { id: new ObjectId() };
    const txn = { lsid, txnNumber: Long.fromNumber(3) };
    f.hub.append([insert('users', { _id: 1 }, txn), insert('users', { _id: 2 }, txn)]);
    const [a, b] = await drain(cursor);
    expect(a!.clusterTime.equals(b!.clusterTime)).toBe(true);
    expect(a!._id._data < b!._id._data).toBe(true);
    expect(a!.lsid).toEqual(lsid);
    expect(a!.txnNumber).toEqual(Long.fromNumber(3));
  });

  describe('fullDocument', () => {
    const write = () => {
      f.hub.append([insert('users', v1)]);
      f.hub.append([update('users', v1, v2, { updatedFields: { name: 'Anne' } })]);
      f.hub.append([remove('users', v2)]);
    };

    it('default: only insert and replace carry it', async () => {
      const cursor = f.open({}, { fullDocument: 'default' });
      write();
      const [ins, upd, del] = await drain(cursor);
      expect(ins!.fullDocument).toEqual(v1);
      expect(upd).not.toHaveProperty('fullDocument');
      expect(del).not.toHaveProperty('fullDocument');
    });

    it('updateLookup: an update carries the current document, or null once it is gone', async () => {
      const cursor = f.open({}, { fullDocument: 'updateLookup' });
      const latest = { ...v2, name: 'Anna' };
      f.current.set(`${DB}.users.${String(id)}`, latest);
      f.hub.append([update('users', v1, v2, { updatedFields: { name: 'Anne' } })]);
      const [upd] = await drain(cursor);
      expect(Object.keys(upd!).at(-1)).toBe('fullDocument');
      expect(upd!.fullDocument).toEqual(latest);

      f.current.clear();
      f.hub.append([update('users', v2, v1)]);
      const [gone] = await drain(cursor);
      expect(gone!.fullDocument).toBeNull();
    });

    it('whenAvailable: the post-image when the collection records images, else null', async () => {
      const cursor = f.open({}, { fullDocument: 'whenAvailable' });
      f.hub.append([update('users', v1, v2, {}, { preAndPostImages: true })]);
      f.hub.append([update('users', v1, v2, {}, { preAndPostImages: false })]);
      const [withImages, without] = await drain(cursor);
      expect(withImages!.fullDocument).toEqual(v2);
      expect(without!.fullDocument).toBeNull();
    });

    it('required: errors (NoMatchingDocument) on an update without a post-image', async () => {
      const cursor = f.open({}, { fullDocument: 'required' });
      f.hub.append([update('users', v1, v2, {}, { preAndPostImages: true })]);
      expect((await drain(cursor))[0]!.fullDocument).toEqual(v2);
      f.hub.append([update('users', v1, v2, {}, { preAndPostImages: false })]);
      await expect(cursor.next(10, 0)).rejects.toMatchObject({ code: 47 });
    });
  });

  describe('fullDocumentBeforeChange', () => {
    const write = (images: boolean) => {
      f.hub.append([insert('users', v1, { preAndPostImages: images })]);
      f.hub.append([update('users', v1, v2, {}, { preAndPostImages: images })]);
      f.hub.append([replace('users', v2, v1, { preAndPostImages: images })]);
      f.hub.append([remove('users', v1, { preAndPostImages: images })]);
    };

    it('off (default): never present', async () => {
      const cursor = f.open();
      write(true);
      for (const event of await drain(cursor)) expect(event).not.toHaveProperty('fullDocumentBeforeChange');
    });

    it('whenAvailable: the pre-image on update, replace and delete when recorded, else null', async () => {
      const cursor = f.open({}, { fullDocumentBeforeChange: 'whenAvailable' });
      write(true);
      write(false);
      const events = await drain(cursor);
      expect(events.map(e => e.fullDocumentBeforeChange)).toEqual([
        undefined,
        v1,
        v2,
        v1,
        undefined,
        null,
        null,
        null,
      ]);
      expect(events[0]).not.toHaveProperty('fullDocumentBeforeChange');
    });

    it('required: errors when the pre-image was not recorded', async () => {
      const cursor = f.open({}, { fullDocumentBeforeChange: 'required' });
      f.hub.append([remove('users', v1, { preAndPostImages: false })]);
      await expect(cursor.next(10, 0)).rejects.toMatchObject({ code: 47 });
    });

    it('asks preImagesEnabled at write time when the record does not say', async () => {
      const enabled = new Set(['users']);
      const g = makeFixture({ preImagesEnabled: (_db, coll) => enabled.has(coll) });
      const cursor = g.open({}, { fullDocumentBeforeChange: 'whenAvailable' });
      g.hub.append([remove('users', v1)]);
      enabled.clear();
      const [del] = await drain(cursor);
      expect(del!.fullDocumentBeforeChange).toEqual(v1);
      g.close();
    });
  });

  it('rejects unknown modes and unknown $changeStream fields', () => {
    expect(() => f.open({}, { fullDocument: 'always' })).toThrow(expect.objectContaining({ code: 2 }));
    expect(() => f.open({}, { fullDocumentBeforeChange: 'on' })).toThrow(
      expect.objectContaining({ code: 2 }),
    );
    expect(() => f.open({}, { bogus: true })).toThrow(expect.objectContaining({ code: 40415 }));
  });
});
