/**
 * `$expr` in filters is evaluated by mingo's expression engine on the mingo view of the document.
 */
import { Query } from 'mingo';
import { asCommandError } from './engine-errors';
import { toMingo } from './mingo-values';

/**
 * @param variables - `$$` variables in scope (an enclosing `$lookup`'s `let`); absent for plain finds.
 */
export function compileExpr(expr: unknown, variables?: Record<string, unknown>): (doc: unknown) => boolean {
  const condition = { $expr: toMingo(expr) };
  let query: Query;
  try {
    query = new Query(condition, { scriptEnabled: false, variables });
  } catch (e) {
    throw asCommandError(e);
  }
  return doc => {
    try {
      return query.test(toMingo(doc) as Record<string, unknown>);
    } catch (e) {
      throw asCommandError(e);
    }
  };
}
