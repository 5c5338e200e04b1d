import { changedPathsOf, indexedPathsOf, mayAffect } from '../../../src/engine/storage/index-relevance';

const changed = (...updated: string[]) =>
  changedPathsOf({
    updatedFields: Object.fromEntries(updated.map(p => [p, 1])),
    removedFields: [],
    truncatedArrays: [],
  });
const fields = (...paths: string[]) => indexedPathsOf(paths.map(p => p.split('.')));

describe('whether an update may change an index key', () => {
  it.each([
    ['the indexed field itself', ['manager'], ['manager'], true],
    ['a parent of the indexed path', ['metadata'], ['metadata.responsible.id'], true],
    ['a child of the indexed path', ['metadata.responsible.id.x'], ['metadata.responsible.id'], true],
    [
      'an array element under it (positions dropped)',
      ['metadata.responsible.3.id'],
      ['metadata.responsible.id'],
      true,
    ],
    ['a whole new array element', ['metadata.responsible.3'], ['metadata.responsible.id'], true],
    ['a sibling of the indexed path', ['metadata.note'], ['metadata.responsible.id'], false],
    ['an unrelated field', ['counter'], ['manager', 'account'], false],
    ['a field whose name only starts like it', ['managerName'], ['manager'], false],
    ['a top-level field named by digits', ['3'], ['manager'], true],
    ['an index on one array position', ['metadata.responsible.2.id'], ['metadata.responsible.0.id'], true],
    ['a sibling of an index on one array position', ['metadata.note'], ['metadata.responsible.0.id'], false],
  ])('%s', (_name, updated, indexed, expected) => {
    expect(mayAffect(changed(...updated), fields(...indexed))).toBe(expected);
  });

  it('counts removed fields and truncated arrays as changed', () => {
    const removed = changedPathsOf({ updatedFields: {}, removedFields: ['manager'], truncatedArrays: [] });
    const truncated = changedPathsOf({
      updatedFields: {},
      removedFields: [],
      truncatedArrays: [{ field: 'tags', newSize: 1 }],
    });
    expect(mayAffect(removed, fields('manager'))).toBe(true);
    expect(mayAffect(truncated, fields('tags'))).toBe(true);
    expect(mayAffect(truncated, fields('manager'))).toBe(false);
  });
});
