/**
 * The other side of the join holding bad input (SPEC §6 for orders and tasks): a reference field of the
 * wrong type, such as an order whose `manager` is a string. No copy can be computed from it, so, like a
 * user that breaks the schema, that one subject goes to dead-letter with a reason naming the document and
 * the field, and `verify` reports it; every other subject goes on.
 */
import { UnrecoverableError } from 'bullmq';
import type { Document } from 'mongodb';
import { isObjectId } from './job-data';

export class InvalidReferenceError extends UnrecoverableError {
  constructor(
    readonly documentId: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidReferenceError';
  }
}

/** An order's manager or specialist: absent or null (no copy), else an ObjectId. */
export function orderMemberProblem(
  order: Document,
  field: 'manager' | 'specialist',
): InvalidReferenceError | undefined {
  const value: unknown = order[field];
  if (value === undefined || value === null || isObjectId(value)) return undefined;
  return invalid(order, field, `must be an ObjectId (got ${describe(value)})`);
}

/** An order's assigned users: absent, or an array of ObjectIds. */
export function assignedUsersProblem(order: Document): InvalidReferenceError | undefined {
  const value: unknown = order.assigned_user_ids;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value))
    return invalid(order, 'assigned_user_ids', `must be an array (got ${describe(value)})`);
  const index = value.findIndex(id => !isObjectId(id));
  if (index < 0) return undefined;
  return invalid(order, `assigned_user_ids.${index}`, `must be an ObjectId (got ${describe(value[index])})`);
}

function invalid(order: Document, field: string, problem: string): InvalidReferenceError {
  const id = String(order._id);
  return new InvalidReferenceError(id, field, `order ${id} is invalid: ${field} ${problem}`);
}

/** Names the type only: a wrong value may be anything, an email included. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return (value as { _bsontype?: string } | undefined)?._bsontype ?? typeof value;
}
