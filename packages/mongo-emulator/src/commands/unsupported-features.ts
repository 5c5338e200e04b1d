/**
 * Features MongoDB 7.0 has and this emulator does not: refused with mongod's code for an unsupported
 * command (CommandNotSupported, 115) instead of being accepted and then silently ignored, which would let
 * a test pass here and fail on a real server. Fields mongod 7.0 itself does not know get its own error.
 */
import type { Document } from '../types';
import { MongoCommandError } from '../types';

const notSupported = (what: string) =>
  new MongoCommandError(115, 'CommandNotSupported', `${what} is not supported by the MongoDB emulator`);

const VALIDATION_OPTIONS = ['validator', 'validationLevel', 'validationAction'];

export function refuseUnsupported(name: string, command: Document): void {
  if (name === 'create' || name === 'collMod') {
    if (command.viewOn !== undefined || command.pipeline !== undefined) throw notSupported('a view (viewOn)');
    const validation = VALIDATION_OPTIONS.find(option => command[option] !== undefined);
    if (validation !== undefined) throw notSupported(`document validation ('${validation}')`);
  }
  refuseCollation(command.collation);
  for (const list of ['updates', 'deletes', 'indexes']) {
    const entries = command[list];
    if (Array.isArray(entries)) for (const entry of entries) refuseCollation((entry as Document)?.collation);
  }
  if (name === 'update' && Array.isArray(command.updates)) {
    // 7.0's update statement has no sort (8.0 added it); mongod's IDL parser rejects the unknown field.
    if (command.updates.some(statement => (statement as Document)?.sort !== undefined)) {
      throw new MongoCommandError(
        40415,
        'Location40415',
        "BSON field 'update.updates.sort' is an unknown field.",
      );
    }
  }
}

/** Comparisons are binary here: only the simple collation (the default) means what it says. */
function refuseCollation(collation: unknown): void {
  if (collation === undefined) return;
  const locale = (collation as Document | null)?.locale;
  if (locale !== 'simple') throw notSupported(`collation (locale '${String(locale)}')`);
}
