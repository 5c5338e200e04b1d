/**
 * The filters listDatabases/listCollections get in practice: on `name` (and for collections `type`),
 * by value, `$eq`, `$in`, `$ne`, `$nin` or a regular expression. Anything richer matches everything
 * rather than failing, since these lists are tiny and callers filter again anyway.
 */
import type { Document } from '../types';

type Bsonish = { _bsontype?: string; pattern?: string; options?: string };

function matchesValue(value: string, condition: unknown): boolean {
  if (typeof condition === 'string') return value === condition;
  if (condition instanceof RegExp) return condition.test(value);
  if (condition === null || typeof condition !== 'object') return false;
  const bson = condition as Bsonish;
  if (bson._bsontype === 'BSONRegExp')
    return new RegExp(bson.pattern ?? '', (bson.options ?? '').replace(/[^imsu]/g, '')).test(value);
  const operators = condition as Document;
  return Object.entries(operators).every(([operator, operand]) => {
    switch (operator) {
      case '$eq':
        return value === operand;
      case '$ne':
        return value !== operand;
      case '$in':
        return Array.isArray(operand) && operand.some(item => matchesValue(value, item));
      case '$nin':
        return Array.isArray(operand) && !operand.some(item => matchesValue(value, item));
      case '$regex':
        return matchesValue(
          value,
          typeof operand === 'string' ? new RegExp(operand, String(operators.$options ?? '')) : operand,
        );
      default:
        return true;
    }
  });
}

export function matchesNameFilter(
  name: string,
  filter: Document | undefined,
  fields: Document = {},
): boolean {
  if (!filter || typeof filter !== 'object') return true;
  const values: Document = { name, ...fields };
  return Object.entries(filter).every(([field, condition]) => {
    if (field === '$options') return true;
    const value = values[field];
    return typeof value === 'string' ? matchesValue(value, condition) : true;
  });
}
