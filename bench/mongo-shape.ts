/**
 * A MongoDB command as a profile row: command, collection and the shape of its filter (field names and
 * operators, no values), e.g. `find _users {_id: $in}` or `update _store.orders ×1 {assigned_user_ids,
 * metadata.responsible.id} arrayFilters`. Commands of the same shape come from the same line of src/, so
 * the rows can be named after the code that sends them.
 */
import type { Document } from 'bson';
import type { MongoCommand } from './mongo-wire-tap';

export function commandShape(command: MongoCommand): string {
  const body = command.body ?? {};
  const target = `${command.name} ${command.collection ?? ''}`.trim();
  switch (command.name) {
    case 'find':
    case 'count':
    case 'delete':
      return `${target} ${filterShape(body.filter ?? body.query)}`;
    case 'distinct':
      return `${target} ${String(body.key)} ${filterShape(body.query)}`;
    case 'aggregate':
      return `${target} ${JSON.stringify(Object.keys(((body.pipeline as Document[] | undefined) ?? [])[0] ?? {}))}`;
    case 'update': {
      const statements = (body.updates as Document[] | undefined) ?? [];
      const shapes = [...new Set(statements.map(statementShape))];
      return `${target} ×${statements.length} ${shapes.join(' | ')}`;
    }
    case 'getMore':
      return `${target}`;
    default:
      return target;
  }
}

function statementShape(statement: Document): string {
  const set = Object.keys((statement.u as Document | undefined)?.$set ?? {}).join(',');
  const extra = statement.arrayFilters === undefined ? '' : ' arrayFilters';
  return `${filterShape(statement.q)} $set{${set}}${statement.multi === true ? ' multi' : ''}${extra}`;
}

function filterShape(filter: unknown): string {
  if (filter === null || typeof filter !== 'object') return '{}';
  const parts = Object.entries(filter as Document).map(([key, value]) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const operators = Object.keys(value as Document).filter(name => name.startsWith('$'));
      if (operators.length > 0 && value.constructor === Object) return `${key}: ${operators.join(',')}`;
    }
    return key;
  });
  return `{${parts.join(', ')}}`;
}
