import { Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import { Query } from 'mingo';
import { compileExpr } from '../../../src/engine/expr-predicate';
import { compileNativePredicate } from '../../../src/engine/expression/native-expression';
import { toMingo } from '../../../src/engine/mingo-values';

/** What `$expr` answered before the native path: mingo alone (a thrown error is an answer too). */
function mingoAnswer(expr: unknown, doc: unknown, variables?: Record<string, unknown>): unknown {
  try {
    const mingoVariables =
      variables === undefined ? undefined : (toMingo(variables) as Record<string, unknown>);
    return new Query({ $expr: toMingo(expr) }, { scriptEnabled: false, variables: mingoVariables }).test(
      toMingo(doc) as Record<string, unknown>,
    );
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

function answer(expr: unknown, doc: unknown, variables?: Record<string, unknown>): unknown {
  try {
    return compileExpr(expr, variables)(doc);
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

/** The change-stream filter user-sync's listener sends: a changed path under one of some fields. */
const CHANGED_PATHS = {
  $concatArrays: [
    {
      $map: {
        input: { $objectToArray: { $ifNull: ['$updateDescription.updatedFields', {}] } },
        in: '$$this.k',
      },
    },
    { $ifNull: ['$updateDescription.removedFields', []] },
  ],
};
const TOUCHES_PROFILE = {
  $gt: [
    {
      $size: {
        $filter: {
          input: CHANGED_PATHS,
          cond: { $regexMatch: { input: '$$this', regex: '^(name|email)(\\.|$)' } },
        },
      },
    },
    0,
  ],
};

const oid = new ObjectId('64b7f0c2a1b2c3d4e5f60718');
const DOCUMENTS: unknown[] = [
  { updateDescription: { updatedFields: { 'name.first': 'Ann' }, removedFields: [] } },
  {
    updateDescription: {
      updatedFields: { 'metadata.dashclicks_team.manager': { id: oid } },
      removedFields: [],
    },
  },
  { updateDescription: { updatedFields: {}, removedFields: ['email'] } },
  { updateDescription: { updatedFields: { nickname: 'x' } } },
  { updateDescription: {} },
  {},
  { updateDescription: { updatedFields: 'not an object', removedFields: 'nor an array' } },
  { updateDescription: { updatedFields: null, removedFields: null } },
  { a: new Int32(3), b: new Double(2.5), c: 'text', d: [1, 2, 3], e: null, f: oid, g: new Date(5) },
  { a: Long.fromNumber(0), b: new Decimal128('0'), c: '', d: [], e: false, f: [{ x: 1 }, { x: 2 }] },
  { a: 'string', b: new Int32(0), c: true, d: { nested: [1] }, e: [null], f: { x: 1 } },
];

const EXPRESSIONS: unknown[] = [
  TOUCHES_PROFILE,
  CHANGED_PATHS,
  { $gt: ['$a', 2] },
  { $gte: ['$b', '$a'] },
  { $lt: ['$a', '$c'] },
  { $eq: ['$e', null] },
  { $eq: ['$missing', null] },
  { $ne: ['$f', oid] },
  { $lte: ['$g', new Date(10)] },
  { $and: ['$a', '$b', '$c'] },
  { $or: ['$e', '$b', '$missing'] },
  { $not: ['$a'] },
  { $not: '$d' },
  { $cond: [{ $gt: [{ $size: '$d' }, 1] }, true, false] },
  { $cond: { if: '$c', then: '$a', else: 0 } },
  { $size: '$d' },
  { $size: '$c' },
  { $in: ['$a', [1, 2, 3]] },
  { $in: [2, '$d'] },
  { $in: ['$a', '$c'] },
  { $ifNull: ['$missing', '$e', '$a'] },
  { $concatArrays: ['$d', [4]] },
  { $objectToArray: '$d' },
  { $gt: [{ $size: { $filter: { input: '$d', as: 'n', cond: { $gt: ['$$n', 1] } } } }, 0] },
  { $gt: [{ $size: { $map: { input: '$f', in: '$$this.x' } } }, 1] },
  { $regexMatch: { input: '$c', regex: '^TE', options: 'i' } },
  { $regexMatch: { input: '$a', regex: 'x' } },
  { $eq: ['$f.x', 1] },
  { $eq: ['$$ROOT.a', '$$CURRENT.a'] },
  { $eq: ['$$REMOVE', null] },
  { $literal: '$a' },
  { $add: ['$a', 1] },
  { $gt: ['$$limit', 1] },
];

describe('$expr on the native path', () => {
  it.each(EXPRESSIONS.map(expr => [JSON.stringify(expr), expr]))(
    'answers %s exactly as mingo does, on every document',
    (_name, expr) => {
      for (const doc of DOCUMENTS) expect(answer(expr, doc)).toEqual(mingoAnswer(expr, doc));
    },
  );

  it('answers with $lookup variables in scope, and $filter variables shadowing them, as mingo does', () => {
    const shadowed = {
      $and: [
        { $gt: [{ $size: { $filter: { input: '$d', as: 'limit', cond: { $gt: ['$$limit', 1] } } } }, 0] },
        // The $filter's binding must be gone again here: this is the outer limit.
        { $lt: ['$$limit', 4] },
      ],
    };
    for (const expr of [{ $gt: ['$a', '$$limit'] }, shadowed])
      for (const limit of [1, 5, new Int32(3)])
        for (const doc of DOCUMENTS)
          expect(answer(expr, doc, { limit })).toEqual(mingoAnswer(expr, doc, { limit }));
    expect(answer(shadowed, { d: [1, 2] }, { limit: 3 })).toBe(true);
    expect(answer(shadowed, { d: [1, 2] }, { limit: 5 })).toBe(false);
    // A stored Int32 variable compares by value on both paths ($add is mingo's).
    expect(answer({ $lt: ['$$limit', 4] }, {}, { limit: new Int32(3) })).toBe(true);
    expect(answer({ $lt: [{ $add: ['$$limit', 0] }, 4] }, {}, { limit: new Int32(3) })).toBe(true);
  });

  it('compiles the listener filter natively, so its events skip the mingo conversion', () => {
    const predicate = compileNativePredicate(TOUCHES_PROFILE);
    expect(predicate).toBeDefined();
    expect(predicate?.(DOCUMENTS[0])).toBe(true);
    expect(predicate?.(DOCUMENTS[1])).toBe(false);
    expect(predicate?.(DOCUMENTS[2])).toBe(true);
  });

  it('leaves operators outside its subset to mingo entirely', () => {
    expect(compileNativePredicate({ $add: ['$a', 1] })).toBeUndefined();
    expect(compileNativePredicate({ $eq: ['$a', { b: 1 }] })).toBeUndefined();
    expect(
      compileNativePredicate({ $regexMatch: { input: '$a', regex: 'x', options: 'x' } }),
    ).toBeUndefined();
  });
});
