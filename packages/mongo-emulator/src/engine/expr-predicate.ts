/**
 * `$expr` in filters: the common expressions natively (expression/native-expression.ts), everything else,
 * and any document the native path leaves, by mingo's expression engine on the mingo view of the document.
 */
import { Query } from 'mingo';
import { asCommandError } from './engine-errors';
import { compileNativePredicate, OffNativePath } from './expression/native-expression';
import { toMingo } from './mingo-values';

/**
 * @param variables - `$$` variables in scope (an enclosing `$lookup`'s `let`); absent for plain finds.
 */
export function compileExpr(expr: unknown, variables?: Record<string, unknown>): (doc: unknown) => boolean {
  const condition = { $expr: toMingo(expr) };
  let query: Query;
  try {
    // Built even when the native path applies: mingo's parse is what rejects a malformed expression.
    // Variables hold stored BSON values: mingo needs them in its number model, as it does documents.
    query = new Query(condition, {
      scriptEnabled: false,
      variables: variables === undefined ? undefined : (toMingo(variables) as Record<string, unknown>),
    });
  } catch (e) {
    throw asCommandError(e);
  }
  const native = compileNativePredicate(expr);
  const withMingo = (doc: unknown): boolean => {
    try {
      return query.test(toMingo(doc) as Record<string, unknown>);
    } catch (e) {
      throw asCommandError(e);
    }
  };
  if (native === undefined) return withMingo;
  return doc => {
    try {
      return native(doc, variables);
    } catch (e) {
      if (e instanceof OffNativePath) return withMingo(doc);
      throw e;
    }
  };
}
