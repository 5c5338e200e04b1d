import { Double, Int32, Long, ObjectId } from 'bson';
import type { Document } from '../../../src/types';
import { compileFilter } from '../../../src/engine/query/query-matcher';
import { compareValues } from '../../../src/engine/value-compare';
import { indexKey } from '../../../src/engine/index-key';
import { DB, newFixture } from './engine-fixture';

describe('filter semantics', () => {
  const oid = new ObjectId();
  it.each<[string, Document, Document, boolean]>([
    ['array element equality', { tags: 'b' }, { tags: ['a', 'b'] }, true],
    ['whole array equality', { tags: ['a', 'b'] }, { tags: ['a', 'b'] }, true],
    ['dotted path into array of documents', { 'r.id': 2 }, { r: [{ id: 1 }, { id: 2 }] }, true],
    ['no traversal of arrays nested in arrays', { 'a.b': 1 }, { a: [[{ b: 1 }]] }, false],
    ['null matches missing', { a: null }, {}, true],
    ['null matches an array element lacking the field', { 'a.b': null }, { a: [{ b: 1 }, { c: 2 }] }, true],
    ['$ne against an array', { a: { $ne: 5 } }, { a: [5, 6] }, false],
    ['range on an array matches across elements', { a: { $gt: 1, $lt: 3 } }, { a: [0, 4] }, true],
    ['$elemMatch needs one element for all', { a: { $elemMatch: { $gt: 1, $lt: 3 } } }, { a: [0, 4] }, false],
    [
      '$elemMatch on subdocuments',
      { r: { $elemMatch: { id: 2, ok: true } } },
      {
        r: [
          { id: 2, ok: false },
          { id: 2, ok: true },
        ],
      },
      true,
    ],
    ['$in with null matches missing', { a: { $in: [null, 1] } }, {}, true],
    ['$nin', { a: { $nin: [1] } }, { a: [1, 2] }, false],
    [
      '$in mixes regexes and numbers across types',
      { a: { $in: [/^x/, new Int32(2)] } },
      { a: ['q', new Double(2)] },
      true,
    ],
    ['$in with documents and arrays', { a: { $in: [{ k: 1 }, [1, 2]] } }, { a: [[1, 2]] }, true],
    ['$exists false on a partial array', { 'a.b': { $exists: false } }, { a: [{ b: 1 }, {}] }, false],
    ['$exists true on null', { a: { $exists: true } }, { a: null }, true],
    ['$type number on an array element', { a: { $type: 'number' } }, { a: ['x', new Int32(1)] }, true],
    ['$type int vs double', { a: { $type: 'int' } }, { a: new Double(1) }, false],
    ['$type long', { a: { $type: 18 } }, { a: Long.fromNumber(1) }, true],
    ['$type objectId', { a: { $type: 'objectId' } }, { a: oid }, true],
    ['$not with a non-matching type', { a: { $not: { $gt: 5 } } }, { a: 'x' }, true],
    ['type bracketing: number vs string', { a: { $lt: 'b' } }, { a: 1 }, false],
    [
      '$or / $and / $nor',
      { $or: [{ a: 1 }, { $and: [{ b: 2 }, { $nor: [{ c: 3 }] }] }] },
      { b: 2, c: 4 },
      true,
    ],
    ['$size', { a: { $size: 2 } }, { a: [1, [2, 3]] }, true],
    ['$all', { a: { $all: [1, 2] } }, { a: [2, 3, 1] }, true],
    ['$all with $elemMatch', { a: { $all: [{ $elemMatch: { x: 1 } }] } }, { a: [{ x: 1 }] }, true],
    [
      'regex literal and $regex with options',
      { $and: [{ n: /^ab/ }, { n: { $regex: 'C$', $options: 'i' } }] },
      { n: 'abc' },
      true,
    ],
    ['regex on array elements', { a: /^x/ }, { a: ['y', 'xz'] }, true],
    ['$mod', { n: { $mod: [4, 1] } }, { n: new Int32(9) }, true],
    [
      'embedded document equality is field-order sensitive',
      { a: { x: 1, y: 2 } },
      { a: { y: 2, x: 1 } },
      false,
    ],
    [
      'numbers equal across types inside documents',
      { a: { x: new Int32(1) } },
      { a: { x: new Double(1) } },
      true,
    ],
    [
      '$expr through mingo on BSON numbers',
      { $expr: { $gt: ['$a', '$b'] } },
      { a: new Int32(10), b: new Double(9.5) },
      true,
    ],
  ])('%s', (_name, filter, doc, expected) => {
    expect(compileFilter(filter)(doc)).toBe(expected);
  });

  it('rejects unknown operators with BadValue (2)', () => {
    expect(() => compileFilter({ a: { $bogus: 1 } })).toThrow(expect.objectContaining({ code: 2 }));
    expect(() => compileFilter({ $bogus: 1 })).toThrow(expect.objectContaining({ code: 2 }));
  });
});

describe('BSON order and keys', () => {
  it('orders types as MongoDB does and numbers by value across types', () => {
    const values = [
      true,
      new Date(0),
      'str',
      new ObjectId('000000000000000000000000'),
      { a: 1 },
      [1],
      null,
      new Int32(2),
      new Double(1.5),
    ];
    const sorted = [...values].sort(compareValues);
    expect(sorted).toEqual([
      null,
      new Double(1.5),
      new Int32(2),
      'str',
      { a: 1 },
      [1],
      new ObjectId('000000000000000000000000'),
      true,
      new Date(0),
    ]);
    expect(compareValues(Long.fromString('9007199254740993'), new Double(9007199254740992))).toBe(1);
  });

  it('gives 1, 1.0 and Long(1) the same index key, and ObjectIds of equal bytes the same key', () => {
    expect(
      new Set([indexKey(new Int32(1)), indexKey(new Double(1)), indexKey(Long.fromNumber(1)), indexKey(1)])
        .size,
    ).toBe(1);
    const id = new ObjectId();
    expect(indexKey(new ObjectId(id.toHexString()))).toBe(indexKey(id));
    expect(indexKey('1')).not.toBe(indexKey(1));
  });
});

describe('find', () => {
  function people() {
    const f = newFixture();
    f.insert(
      'p',
      {
        _id: 1,
        name: 'c',
        age: new Int32(30),
        tags: ['x', 'y'],
        addr: { city: 'Oslo', zip: '1' },
        scores: [5, 9],
      },
      { _id: 2, name: 'a', age: new Int32(25), tags: ['z'], addr: { city: 'Rome', zip: '2' }, scores: [7] },
      { _id: 3, name: 'b', age: new Double(30), addr: { city: 'Oslo', zip: '3' } },
    );
    return f;
  }

  it('sorts by several keys (dotted, descending), then skips and limits', () => {
    const f = people();
    const ids = (spec: Document) => f.engine.find(DB, 'p', spec).map(d => d._id);
    expect(ids({ sort: { age: -1, name: 1 } })).toEqual([3, 1, 2]);
    expect(ids({ sort: { 'addr.city': 1, _id: -1 }, skip: 1, limit: 1 })).toEqual([1]);
    expect(ids({ sort: { scores: 1 } })).toEqual([3, 1, 2]);
    expect(ids({ sort: { scores: -1 } })).toEqual([1, 2, 3]);
    expect(() => f.engine.find(DB, 'p', { sort: { a: 2 } })).toThrow(expect.objectContaining({ code: 2 }));
  });

  it('projects with _id first, excludes, and handles dotted paths', () => {
    const f = people();
    const one = (projection: Document) => f.engine.find(DB, 'p', { filter: { _id: 1 }, projection })[0];
    expect(Object.keys(one({ name: 1, age: 1 }))).toEqual(['_id', 'name', 'age']);
    expect(one({ 'addr.city': 1, _id: 0 })).toEqual({ addr: { city: 'Oslo' } });
    expect(one({ addr: 0, tags: 0, scores: 0 })).toEqual({ _id: 1, name: 'c', age: new Int32(30) });
    expect(one({ _id: 1 })).toEqual({ _id: 1 });
    expect(one({ _id: 0 })).toMatchObject({ name: 'c' });
    expect(() => one({ name: 1, age: 0 })).toThrow(expect.objectContaining({ code: 31254 }));
  });

  it('supports positional, $slice and $elemMatch projections', () => {
    const f = people();
    expect(f.engine.find(DB, 'p', { filter: { tags: 'y' }, projection: { 'tags.$': 1 } })).toEqual([
      { _id: 1, tags: ['y'] },
    ]);
    expect(
      f.engine.find(DB, 'p', { filter: { _id: 1 }, projection: { scores: { $slice: -1 }, name: 1 } }),
    ).toEqual([{ _id: 1, name: 'c', scores: [9] }]);
    const em = f.engine.find(DB, 'p', {
      filter: { _id: 1 },
      projection: { scores: { $elemMatch: { $gt: 6 } } },
    })[0];
    expect(em.scores).toEqual([9]);
    expect(em.name).toBe('c');
  });

  it('counts with skip/limit and lists distinct values flattened and in BSON order', () => {
    const f = people();
    expect(f.engine.count(DB, 'p', { 'addr.city': 'Oslo' })).toBe(2);
    expect(f.engine.count(DB, 'p', {}, 1, 1)).toBe(1);
    expect(f.engine.distinct(DB, 'p', 'tags', {})).toEqual(['x', 'y', 'z']);
    expect(f.engine.distinct(DB, 'p', 'age', {})).toEqual([new Int32(25), new Int32(30)]);
    expect(f.engine.find(DB, 'missing', { filter: {} })).toEqual([]);
  });
});
