/**
 * Compiles a MongoDB filter into a predicate over stored documents.
 *
 * Why not mingo's Query: mingo compares bson objects by class name and string form (Int32(10) sorts
 * before Int32(9), Int32(1) never equals Double(1)), misses some array semantics (`{'a.b': null}`
 * against an array element lacking `b`) and cannot say which array element matched, which positional
 * `$` updates and projections need. mingo still evaluates `$expr` (see expr-predicate.ts) and every
 * aggregation expression.
 */
import type { Document } from '../../types';
import { bsonTypeOf, isPlainObject, numberArg } from '../bson-types';
import { badValue } from '../engine-errors';
import { compileExpr } from '../expr-predicate';
import { pathValues, splitPath } from '../field-path';
import type { ValueTest } from './value-predicates';
import {
  comparisonTest,
  equalsTest,
  inTest,
  modTest,
  regexTest,
  toRegExp,
  typeTest,
} from './value-predicates';

/** Filled in by a successful match: the array element position positional `$` refers to. */
export interface MatchDetails {
  position?: number;
}

export type Matcher = (doc: unknown, details?: MatchDetails) => boolean;

export interface CompileOptions {
  /** `$$` variables in scope for `$expr` (an enclosing `$lookup`'s `let`). */
  variables?: Record<string, unknown>;
}

type Node = (doc: unknown, details: MatchDetails | undefined) => boolean;

const record = (details: MatchDetails | undefined, position: number | undefined): void => {
  if (details && position !== undefined) details.position = position;
};

const all =
  (nodes: Node[]): Node =>
  (doc, details) =>
    nodes.every(n => n(doc, details));

const not =
  (node: Node): Node =>
  doc =>
    !node(doc, undefined);

export function compileFilter(filter: Document | null | undefined, options: CompileOptions = {}): Matcher {
  if (filter === null || filter === undefined) return () => true;
  if (!isPlainObject(filter)) throw badValue('filter must be an object');
  const node = compileDocument(filter, options);
  return (doc, details) => node(doc, details);
}

function compileDocument(filter: Document, options: CompileOptions): Node {
  const nodes = Object.entries(filter).map(([key, value]) => compileEntry(key, value, options));
  return nodes.length === 1 ? nodes[0] : all(nodes);
}

function subFilters(op: string, value: unknown, options: CompileOptions): Node[] {
  if (!Array.isArray(value) || value.length === 0) throw badValue(`${op} must be a nonempty array`);
  return value.map(f => {
    if (!isPlainObject(f)) throw badValue(`${op} argument's entries must be objects`);
    return compileDocument(f, options);
  });
}

function compileEntry(key: string, value: unknown, options: CompileOptions): Node {
  switch (key) {
    case '$and':
      return all(subFilters(key, value, options));
    case '$or': {
      const nodes = subFilters(key, value, options);
      return (doc, details) => nodes.some(n => n(doc, details));
    }
    case '$nor': {
      const nodes = subFilters(key, value, options);
      return doc => !nodes.some(n => n(doc, undefined));
    }
    case '$expr': {
      const test = compileExpr(value, options.variables);
      return doc => test(doc);
    }
    case '$comment':
      return () => true;
    default:
      if (key.startsWith('$')) throw badValue(`unknown top level operator: ${key}`);
      return compileField(splitPath(key), value, options);
  }
}

const isRegexValue = (v: unknown): boolean => v instanceof RegExp || bsonTypeOf(v) === 'regex';

function isOperatorDoc(v: unknown): v is Record<string, unknown> {
  if (!isPlainObject(v)) return false;
  const first = Object.keys(v)[0];
  return first !== undefined && first.startsWith('$');
}

function compileField(parts: string[], cond: unknown, options: CompileOptions): Node {
  if (isRegexValue(cond)) return leaf(parts, regexTest(toRegExp(cond)));
  if (!isOperatorDoc(cond)) return leaf(parts, equalsTest(cond));
  const nodes = Object.entries(cond).map(([op, arg]) => compileOperator(parts, op, arg, cond, options));
  return nodes.length === 1 ? nodes[0] : all(nodes);
}

/** Applies `test` to each value the path reaches and, for arrays, to each of their elements. */
function leaf(parts: string[], test: ValueTest): Node {
  return (doc, details) => {
    for (const c of pathValues(doc, parts)) {
      if (test(c.value, c.missing)) {
        record(details, c.position);
        return true;
      }
      if (!c.missing && Array.isArray(c.value)) {
        for (let j = 0; j < c.value.length; j++) {
          if (test(c.value[j], false)) {
            record(details, c.position ?? j);
            return true;
          }
        }
      }
    }
    return false;
  };
}

function compileOperator(
  parts: string[],
  op: string,
  arg: unknown,
  whole: Record<string, unknown>,
  options: CompileOptions,
): Node {
  switch (op) {
    case '$eq':
      return leaf(parts, equalsTest(arg));
    case '$ne':
      return not(leaf(parts, equalsTest(arg)));
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return leaf(parts, comparisonTest(op, arg));
    case '$in':
      return leaf(parts, inTest(arg));
    case '$nin':
      return not(leaf(parts, inTest(arg, '$nin')));
    case '$exists': {
      const exists: Node = doc => pathValues(doc, parts).some(c => !c.missing);
      return numberArg(arg) || arg === true ? exists : not(exists);
    }
    case '$type':
      return leaf(parts, typeTest(arg).test);
    case '$size': {
      const n = numberArg(arg);
      if (!Number.isInteger(n) || n < 0) throw badValue('$size needs a non-negative integer');
      return doc => pathValues(doc, parts).some(c => Array.isArray(c.value) && c.value.length === n);
    }
    case '$all':
      return compileAll(parts, arg, options);
    case '$elemMatch':
      return compileElemMatch(parts, arg, options);
    case '$regex':
      return leaf(parts, regexTest(toRegExp(arg, whole.$options)));
    case '$options':
      if (!('$regex' in whole)) throw badValue('$options needs a $regex');
      return () => true;
    case '$not':
      if (isRegexValue(arg)) return not(leaf(parts, regexTest(toRegExp(arg))));
      if (!isPlainObject(arg)) throw badValue('$not needs a regex or a document');
      if (Object.keys(arg).length === 0) throw badValue('$not cannot be empty');
      if (!isOperatorDoc(arg)) throw badValue(`unknown operator: ${Object.keys(arg)[0]}`);
      return not(compileField(parts, arg, options));
    case '$mod':
      return leaf(parts, modTest(arg));
    case '$comment':
      return () => true;
    default:
      throw badValue(`unknown operator: ${op}`);
  }
}

function compileAll(parts: string[], arg: unknown, options: CompileOptions): Node {
  if (!Array.isArray(arg)) throw badValue('$all needs an array');
  if (arg.length === 0) return () => false;
  const nodes = arg.map(element => {
    if (isOperatorDoc(element)) {
      const keys = Object.keys(element);
      if (keys.length !== 1 || keys[0] !== '$elemMatch') throw badValue('no $ expressions in $all');
      return compileElemMatch(parts, element.$elemMatch, options);
    }
    return compileField(parts, element, options);
  });
  return all(nodes);
}

const LOGICAL = new Set(['$and', '$or', '$nor', '$expr', '$where', '$text', '$comment']);
/** Field name the value form of `$elemMatch` wraps each element under. */
const ELEMENT = '';

function compileElemMatch(parts: string[], arg: unknown, options: CompileOptions): Node {
  if (!isPlainObject(arg)) throw badValue('$elemMatch needs an Object');
  const keys = Object.keys(arg);
  const valueForm = keys.length > 0 && keys.every(k => k.startsWith('$') && !LOGICAL.has(k));
  let matchesElement: (element: unknown) => boolean;
  if (valueForm) {
    const node = compileField([ELEMENT], arg, options);
    matchesElement = element => node({ [ELEMENT]: element }, undefined);
  } else {
    const node = compileDocument(arg, options);
    matchesElement = element => isPlainObject(element) && node(element, undefined);
  }
  return (doc, details) => {
    for (const c of pathValues(doc, parts)) {
      if (c.missing || !Array.isArray(c.value)) continue;
      for (let j = 0; j < c.value.length; j++) {
        if (matchesElement(c.value[j])) {
          record(details, c.position ?? j);
          return true;
        }
      }
    }
    return false;
  };
}
