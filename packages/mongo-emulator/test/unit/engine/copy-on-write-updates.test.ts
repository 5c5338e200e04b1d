/**
 * An update copies only the containers on the paths it writes and shares the rest with the stored
 * document, so the stored document must come out of every operator untouched: it is also the pre-image of
 * change events and the committed state transactions compare against.
 */
import { ObjectId } from 'bson';
import type { Document } from '../../../src/types';
import { applyUpdate } from '../../../src/engine/update/apply-update';
import { parseUpdate } from '../../../src/engine/update/update-spec';
import { newFixture } from './engine-fixture';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const member = (id: number, name: string) => ({ id, name, tags: ['a'] });

function stored(): Document {
  return {
    _id: new ObjectId('64b000000000000000000001'),
    meta: { team: { lead: member(1, 'Ann') }, responsible: [member(1, 'Ann'), member(2, 'Bob')] },
    counts: { n: 1 },
    list: [1, 2, 3],
    untouched: { deep: { value: [{ x: 1 }] } },
  };
}

describe('copy-on-write updates', () => {
  it.each<[string, Document, Document[]]>([
    ['$set through arrayFilters', { $set: { 'meta.responsible.$[m].name': 'Anne' } }, [{ 'm.id': 1 }]],
    ['$set of a nested field', { $set: { 'meta.team.lead.name': 'Anne', 'meta.new.field': 1 } }, []],
    ['$unset', { $unset: { 'meta.team.lead.tags': '' } }, []],
    ['$inc', { $inc: { 'counts.n': 1, 'counts.m': 2 } }, []],
    ['$push and $pull', { $push: { list: 4 }, $pull: { 'meta.responsible.0.tags': 'a' } }, []],
    ['$rename', { $rename: { 'meta.team': 'meta.squad' } }, []],
    ['$pop', { $pop: { 'meta.responsible': 1 } }, []],
  ])('%s leaves the stored document as it was', (_name, update, arrayFilters) => {
    const original = deepFreeze(stored());
    const outcome = applyUpdate(original, parseUpdate(update, arrayFilters), { isUpsert: false });
    expect(outcome.changed).toBe(true);
    expect(original).toEqual(stored());
    // What the update did not touch is the same subtree, not a copy of it.
    expect(outcome.doc.untouched).toBe(original.untouched);
  });

  it('writes land in the new document', () => {
    const original = deepFreeze(stored());
    const { doc } = applyUpdate(
      original,
      parseUpdate({ $set: { 'meta.responsible.$[m].name': 'Anne' } }, [{ 'm.id': 1 }]),
      { isUpsert: false },
    );
    expect(doc.meta.responsible).toEqual([{ id: 1, name: 'Anne', tags: ['a'] }, member(2, 'Bob')]);
    expect(doc.meta.responsible[1]).toBe(original.meta.responsible[1]);
  });

  it('a value a multi-update sets is shared by its matches, and a later write to one leaves the others and the events alone', () => {
    const f = newFixture();
    f.insert('orders', { _id: 1, team: 'x' }, { _id: 2, team: 'x' }, { _id: 3, team: 'x' });
    const command = { $set: { meta: { tags: ['a'], lead: { name: 'Ann' } } } };
    f.updateMany('orders', { team: 'x' }, command);
    // The command document is the caller's: changing it afterwards changes nothing stored.
    command.$set.meta.tags.push('from-the-caller');
    f.updateOne('orders', { _id: 1 }, { $push: { 'meta.tags': 'b' } });
    f.updateOne('orders', { _id: 2 }, { $set: { 'meta.lead.name': 'Bob' } });
    f.updateOne('orders', { _id: 3 }, { $unset: { 'meta.lead': '' } });

    expect(f.findAll('orders')).toStrictEqual([
      { _id: 1, team: 'x', meta: { tags: ['a', 'b'], lead: { name: 'Ann' } } },
      { _id: 2, team: 'x', meta: { tags: ['a'], lead: { name: 'Bob' } } },
      { _id: 3, team: 'x', meta: { tags: ['a'] } },
    ]);
    const firstEvents = f.sink.records.slice(3, 6).map(r => r.updateDescription?.updatedFields);
    expect(firstEvents).toStrictEqual(
      [1, 2, 3].map(() => ({ meta: { tags: ['a'], lead: { name: 'Ann' } } })),
    );
  });
});
