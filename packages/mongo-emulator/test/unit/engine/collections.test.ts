import { DB, ORDERED, newFixture } from './engine-fixture';

describe('databases and collections', () => {
  it('creates collections explicitly (48 when it exists) or implicitly on first write', () => {
    const f = newFixture();
    f.engine.createCollection(DB, 'a', { changeStreamPreAndPostImages: { enabled: true } });
    expect(() => f.engine.createCollection(DB, 'a', {})).toThrow(
      expect.objectContaining({ code: 48, codeName: 'NamespaceExists' }),
    );
    f.insert('b', { _id: 1 });
    const infos = f.engine.listCollections(DB);
    expect(infos.map(c => c.name)).toEqual(['a', 'b']);
    expect(infos[0].options).toEqual({ changeStreamPreAndPostImages: { enabled: true } });
    expect(infos[0].uuid).toHaveLength(16);
    expect(f.engine.listDatabases()).toEqual([expect.objectContaining({ name: DB, empty: false })]);
  });

  it('tracks changeStreamPreAndPostImages per collection through collMod and on every record', () => {
    const f = newFixture();
    f.insert('c', { _id: 1 });
    expect(f.engine.preAndPostImagesEnabled(DB, 'c')).toBe(false);
    expect(f.sink.last?.preAndPostImages).toBe(false);
    f.engine.modifyCollection(DB, 'c', { changeStreamPreAndPostImages: { enabled: true } });
    expect(f.engine.preAndPostImagesEnabled(DB, 'c')).toBe(true);
    f.updateOne('c', { _id: 1 }, { $set: { a: 1 } });
    expect(f.sink.last).toMatchObject({
      operationType: 'update',
      preAndPostImages: true,
      fullDocumentBeforeChange: { _id: 1 },
    });
    expect(() => f.engine.modifyCollection(DB, 'nope', {})).toThrow(expect.objectContaining({ code: 26 }));
    expect(f.engine.preAndPostImagesEnabled(DB, 'nope')).toBe(false);
  });

  it('emits one record per document with documentKey, images and ns', () => {
    const f = newFixture();
    f.engine.createCollection(DB, 'c', { changeStreamPreAndPostImages: { enabled: true } });
    f.engine.insert(
      DB,
      'c',
      [
        { _id: 1, v: 1 },
        { _id: 2, v: 1 },
      ],
      ORDERED,
    );
    expect(f.sink.batches).toHaveLength(1);
    expect(f.sink.last).toEqual({
      operationType: 'insert',
      ns: { db: DB, coll: 'c' },
      documentKey: { _id: 2 },
      fullDocument: { _id: 2, v: 1 },
      preAndPostImages: true,
    });
    f.updateMany('c', {}, { $inc: { v: 1 } });
    expect(f.sink.records.slice(-2).map(r => [r.operationType, r.documentKey, r.fullDocument])).toEqual([
      ['update', { _id: 1 }, { _id: 1, v: 2 }],
      ['update', { _id: 2 }, { _id: 2, v: 2 }],
    ]);
    f.engine.delete(DB, 'c', [{ q: { _id: 1 }, limit: 1 }], ORDERED);
    expect(f.sink.last).toMatchObject({
      operationType: 'delete',
      documentKey: { _id: 1 },
      fullDocumentBeforeChange: { _id: 1, v: 2 },
    });
  });

  it('keeps update post-images and all pre-images only where the collection records them', () => {
    const f = newFixture();
    f.insert('plain', { _id: 1, v: 1 });
    f.updateOne('plain', { _id: 1 }, { $inc: { v: 1 } });
    expect(f.sink.last).toEqual({
      operationType: 'update',
      ns: { db: DB, coll: 'plain' },
      documentKey: { _id: 1 },
      preAndPostImages: false,
      updateDescription: { updatedFields: { v: 2 }, removedFields: [], truncatedArrays: [] },
    });
    f.updateOne('plain', { _id: 1 }, { w: 1 });
    expect(f.sink.last).toMatchObject({ operationType: 'replace', fullDocument: { _id: 1, w: 1 } });
    expect(f.sink.last).not.toHaveProperty('fullDocumentBeforeChange');
    f.engine.delete(DB, 'plain', [{ q: { _id: 1 }, limit: 1 }], ORDERED);
    expect(f.sink.last).not.toHaveProperty('fullDocumentBeforeChange');
  });

  it('drop emits drop; dropDatabase emits a drop per collection then dropDatabase', () => {
    const f = newFixture();
    f.insert('a', { _id: 1 });
    f.insert('b', { _id: 1 });
    f.sink.clear();
    expect(f.engine.dropCollection(DB, 'a')).toBe(true);
    expect(f.engine.dropCollection(DB, 'a')).toBe(false);
    expect(f.sink.records).toEqual([{ operationType: 'drop', ns: { db: DB, coll: 'a' } }]);
    f.insert('c', { _id: 1 });
    f.sink.clear();
    f.engine.dropDatabase(DB);
    expect(f.sink.records.map(r => [r.operationType, r.ns.coll])).toEqual([
      ['drop', 'b'],
      ['drop', 'c'],
      ['dropDatabase', ''],
    ]);
    expect(f.engine.listDatabases()).toEqual([]);
  });

  it('findById returns a copy of the committed document or null', () => {
    const f = newFixture();
    f.insert('c', { _id: 'k', v: [1] });
    const doc = f.engine.findById(DB, 'c', 'k');
    expect(doc).toEqual({ _id: 'k', v: [1] });
    doc?.v.push(2);
    expect(f.engine.findById(DB, 'c', 'k')).toEqual({ _id: 'k', v: [1] });
    expect(f.engine.findById(DB, 'c', 'x')).toBeNull();
    expect(f.engine.findById(DB, 'nope', 'k')).toBeNull();
  });
});
