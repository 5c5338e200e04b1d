import { Double, Int32, Long, ObjectId } from 'bson';
import { DB, ORDERED, UNORDERED, newFixture } from './engine-fixture';

describe('index catalog', () => {
  it('always lists _id_, names indexes field_dir, and treats an identical request as a no-op', () => {
    const f = newFixture();
    const created = f.engine.createIndexes(DB, 'c', [{ key: { a: 1, b: -1 }, name: '' }]);
    expect(created).toEqual({
      createdCollectionAutomatically: true,
      numIndexesBefore: 1,
      numIndexesAfter: 2,
    });
    expect(
      f.engine.createIndexes(DB, 'c', [{ key: { a: 1, b: -1 }, name: 'a_1_b_-1' }]).numIndexesAfter,
    ).toBe(2);
    expect(f.engine.listIndexes(DB, 'c')).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { a: 1, b: -1 }, name: 'a_1_b_-1' },
    ]);
  });

  it('rejects a name reused for another key (86) and a key reused under another name (85)', () => {
    const f = newFixture();
    f.engine.createIndexes(DB, 'c', [{ key: { a: 1 }, name: 'a_1' }]);
    expect(() => f.engine.createIndexes(DB, 'c', [{ key: { b: 1 }, name: 'a_1' }])).toThrow(
      expect.objectContaining({ code: 86 }),
    );
    expect(() => f.engine.createIndexes(DB, 'c', [{ key: { a: 1 }, name: 'other' }])).toThrow(
      expect.objectContaining({ code: 85 }),
    );
  });

  it('drops by name, by key and with *, never _id_', () => {
    const f = newFixture();
    f.engine.createIndexes(DB, 'c', [
      { key: { a: 1 }, name: 'a_1' },
      { key: { b: 1 }, name: 'b_1' },
      { key: { c: 1 }, name: 'c_1' },
    ]);
    expect(f.engine.dropIndexes(DB, 'c', 'a_1')).toBe(4);
    expect(f.engine.dropIndexes(DB, 'c', { b: 1 })).toBe(3);
    expect(() => f.engine.dropIndexes(DB, 'c', 'nope')).toThrow(expect.objectContaining({ code: 27 }));
    expect(() => f.engine.dropIndexes(DB, 'c', '_id_')).toThrow(expect.objectContaining({ code: 72 }));
    expect(f.engine.dropIndexes(DB, 'c', '*')).toBe(2);
    expect(f.engine.listIndexes(DB, 'c').map(i => i.name)).toEqual(['_id_']);
  });
});

describe('unique indexes', () => {
  it('single field: E11000 with MongoDB message, keyPattern and keyValue', () => {
    const f = newFixture();
    f.engine.createIndexes(DB, 'users', [{ key: { email: 1 }, name: 'email_1', unique: true }]);
    f.insert('users', { _id: 1, email: 'a@x.io' });
    const [err] = f.engine.insert(DB, 'users', [{ _id: 2, email: 'a@x.io' }], ORDERED).writeErrors;
    expect(err).toEqual({
      index: 0,
      code: 11000,
      codeName: 'DuplicateKey',
      errmsg: 'E11000 duplicate key error collection: app.users index: email_1 dup key: { email: "a@x.io" }',
      keyPattern: { email: 1 },
      keyValue: { email: 'a@x.io' },
    });
    const byUpdate = f.engine.update(
      DB,
      'users',
      [
        { q: { _id: 1 }, u: { $set: { x: 1 } } },
        { q: { _id: 3 }, u: { $set: { email: 'a@x.io' } }, upsert: true },
      ],
      ORDERED,
    );
    expect(byUpdate.writeErrors[0]).toMatchObject({ index: 1, code: 11000 });
  });

  it('an update onto a unique key another document holds fails and changes nothing', () => {
    const f = newFixture();
    f.engine.createIndexes(DB, 'users', [
      { key: { 'contact.email': 1 }, name: 'contact.email_1', unique: true },
    ]);
    f.insert('users', { _id: 1, contact: { email: 'a@x.io' } }, { _id: 2, contact: { email: 'b@x.io' } });
    expect(f.updateOne('users', { _id: 2 }, { $set: { name: 'B' } }).writeErrors).toEqual([]);
    const [byField] = f.updateOne('users', { _id: 2 }, { $set: { 'contact.email': 'a@x.io' } }).writeErrors;
    const [byParent] = f.updateOne(
      'users',
      { _id: 2 },
      { $set: { contact: { email: 'a@x.io' } } },
    ).writeErrors;
    expect([byField?.code, byParent?.code]).toEqual([11000, 11000]);
    expect(f.findAll('users', { 'contact.email': 'b@x.io' }).map(d => d._id)).toEqual([2]);
  });

  it('treats numbers of different types as the same key', () => {
    const f = newFixture();
    f.engine.createIndexes(DB, 'c', [{ key: { n: 1 }, name: 'n_1', unique: true }]);
    f.insert('c', { n: new Int32(1) });
    expect(
      f.engine.insert(DB, 'c', [{ n: new Double(1) }, { n: Long.fromNumber(1) }], UNORDERED).writeErrors,
    ).toHaveLength(2);
  });

  it('compound: only the full key must be unique', () => {
    const f = newFixture();
    f.engine.createIndexes(DB, 'c', [{ key: { a: 1, b: 1 }, name: 'a_1_b_1', unique: true }]);
    f.insert('c', { a: 1, b: 1 }, { a: 1, b: 2 });
    const [err] = f.engine.insert(DB, 'c', [{ a: 1, b: 2 }], ORDERED).writeErrors;
    expect(err).toMatchObject({ code: 11000, keyPattern: { a: 1, b: 1 }, keyValue: { a: 1, b: 2 } });
    expect(err.errmsg).toContain('index: a_1_b_1 dup key: { a: 1, b: 2 }');
  });

  it('non-sparse unique indexes collide on missing fields; sparse ones skip them', () => {
    const f = newFixture();
    f.engine.createIndexes(DB, 'plain', [{ key: { k: 1 }, name: 'k_1', unique: true }]);
    f.insert('plain', { _id: 1 });
    expect(f.engine.insert(DB, 'plain', [{ _id: 2 }], ORDERED).writeErrors[0]).toMatchObject({
      keyValue: { k: null },
    });
    f.engine.createIndexes(DB, 'sparse', [{ key: { k: 1 }, name: 'k_1', unique: true, sparse: true }]);
    f.insert('sparse', { _id: 1 }, { _id: 2 }, { _id: 3, k: 'x' });
    expect(f.engine.insert(DB, 'sparse', [{ _id: 4, k: 'x' }], ORDERED).writeErrors[0].code).toBe(11000);
  });

  it('multikey: array elements are keys; a document may repeat its own key', () => {
    const f = newFixture();
    f.engine.createIndexes(DB, 'c', [{ key: { tags: 1 }, name: 'tags_1', unique: true }]);
    f.insert('c', { _id: 1, tags: ['a', 'a', 'b'] });
    expect(f.engine.insert(DB, 'c', [{ _id: 2, tags: ['c', 'b'] }], ORDERED).writeErrors[0]).toMatchObject({
      keyValue: { tags: 'b' },
    });
  });

  it('building a unique index over duplicates fails with 11000 and leaves no index', () => {
    const f = newFixture();
    f.insert('c', { e: 'x' }, { e: 'x' });
    expect(() => f.engine.createIndexes(DB, 'c', [{ key: { e: 1 }, name: 'e_1', unique: true }])).toThrow(
      expect.objectContaining({ code: 11000 }),
    );
    expect(f.engine.listIndexes(DB, 'c')).toHaveLength(1);
  });

  it('the _id index reports ObjectId keys in shell notation', () => {
    const f = newFixture();
    const id = new ObjectId();
    f.insert('c', { _id: id });
    const [err] = f.engine.insert(DB, 'c', [{ _id: id }], ORDERED).writeErrors;
    expect(err.errmsg).toBe(
      `E11000 duplicate key error collection: app.c index: _id_ dup key: { _id: ObjectId('${id.toHexString()}') }`,
    );
  });
});
