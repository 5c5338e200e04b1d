/**
 * Parses and validates the `u` of an update: operator document, replacement or pipeline. Everything
 * MongoDB rejects before touching a document (unknown modifiers, conflicting paths, unused or missing
 * array filters, bad arguments) is rejected here, once per statement rather than per document.
 */
import type { Document } from '../../types';
import { isNumeric, isPlainObject, numberArg } from '../bson-types';
import { badValue, errorOf, failedToParse, typeMismatch } from '../engine-errors';
import { ErrorCodes } from '../../types';
import { deepCopy } from '../deep-copy';
import { splitPath } from '../field-path';
import type { Matcher } from '../query/query-matcher';
import { compileFilter } from '../query/query-matcher';

export const UPDATE_OPERATORS = [
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$currentDate',
  '$setOnInsert',
  '$push',
  '$addToSet',
  '$pull',
  '$pullAll',
  '$pop',
  '$bit',
] as const;
export type UpdateOperator = (typeof UPDATE_OPERATORS)[number];
const KNOWN = new Set<string>(UPDATE_OPERATORS);

export interface ModEntry {
  op: UpdateOperator;
  path: string;
  parts: string[];
  /** `parts` with its positional components parsed, for expanding against each matched document. */
  positional: PositionalPath;
  arg: unknown;
}

export type ParsedUpdate =
  | { kind: 'operators'; entries: ModEntry[]; arrayFilters: Map<string, Matcher> }
  | { kind: 'replacement'; doc: Document }
  | { kind: 'pipeline'; stages: Document[] };

const IDENTIFIER = /^[a-z][a-zA-Z0-9]*$/;
const FILTER_TOKEN = /^\$\[([^\]]*)\]$/;

export function parseUpdate(u: Document | Document[], arrayFilters?: Document[]): ParsedUpdate {
  if (Array.isArray(u)) {
    if (arrayFilters && arrayFilters.length > 0) {
      throw failedToParse('arrayFilters may not be specified for pipeline-style updates');
    }
    return { kind: 'pipeline', stages: u };
  }
  if (!isPlainObject(u)) throw failedToParse('Update argument must be either an object or an array');
  const keys = Object.keys(u);
  if (keys.length === 0 || !keys[0].startsWith('$')) {
    const bad = keys.find(k => k.startsWith('$'));
    if (bad)
      throw errorOf(
        ErrorCodes.DollarPrefixedFieldName,
        `The dollar ($) prefixed field '${bad}' in '${bad}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    if (arrayFilters && arrayFilters.length > 0)
      throw failedToParse('arrayFilters may not be specified for replacement-style updates');
    return { kind: 'replacement', doc: u };
  }
  const entries: ModEntry[] = [];
  for (const [op, fields] of Object.entries(u)) {
    if (!KNOWN.has(op)) {
      throw failedToParse(
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(fields)) {
      throw failedToParse(
        `Modifiers operate on fields but we found type ${typeof fields} instead. For example: {$mod: {<field>: ...}} not {${op}: ${JSON.stringify(fields)}}`,
      );
    }
    for (const [path, arg] of Object.entries(fields)) {
      const parts = validatePath(path);
      validateArgument(op as UpdateOperator, path, arg);
      // $set's value is copied once here, away from the command document, and shared by every match.
      const value = op === '$set' || op === '$setOnInsert' ? deepCopy(arg) : arg;
      entries.push({ op: op as UpdateOperator, path, parts, positional: positionalPath(parts), arg: value });
    }
  }
  checkConflicts(entries);
  return { kind: 'operators', entries, arrayFilters: parseArrayFilters(entries, arrayFilters ?? [], u) };
}

/** Returns the path's components, split once for validation and for the entry that keeps them. */
function validatePath(path: string): string[] {
  if (path === '') throw failedToParse('An empty update path is not valid.');
  const parts = splitPath(path);
  let positional = 0;
  for (const part of parts) {
    if (part === '')
      throw failedToParse(`The update path '${path}' contains an empty field name, which is not allowed.`);
    if (part === '$') positional++;
    else if (part.startsWith('$') && !FILTER_TOKEN.test(part)) {
      throw errorOf(
        ErrorCodes.DollarPrefixedFieldName,
        `The dollar ($) prefixed field '${part}' in '${path}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
  }
  if (positional > 1) throw badValue(`Too many positional (i.e. '$') elements found in path '${path}'`);
  return parts;
}

function validateArgument(op: UpdateOperator, path: string, arg: unknown): void {
  switch (op) {
    case '$inc':
    case '$mul':
      if (!isNumeric(arg)) {
        const verb = op === '$inc' ? 'increment' : 'multiply';
        throw typeMismatch(`Cannot ${verb} with non-numeric argument: {${path}: ${JSON.stringify(arg)}}`);
      }
      return;
    case '$pop': {
      const n = numberArg(arg);
      if (n !== 1 && n !== -1) throw failedToParse(`$pop expects 1 or -1, found: ${JSON.stringify(arg)}`);
      return;
    }
    case '$rename':
      if (typeof arg !== 'string')
        throw badValue(`The 'to' field for $rename must be a string: ${path}: ${JSON.stringify(arg)}`);
      if (arg === path)
        throw badValue(`The source and target field for $rename must differ: ${path}: "${arg}"`);
      if (/(^|\.)\$/.test(path)) throw badValue(`The source field for $rename may not be dynamic: ${path}`);
      if (/(^|\.)\$/.test(arg))
        throw badValue(`The destination field for $rename may not be dynamic: ${arg}`);
      validatePath(arg);
      return;
    case '$currentDate': {
      if (arg === true) return;
      const type = isPlainObject(arg) ? arg.$type : undefined;
      if (type !== 'date' && type !== 'timestamp') {
        throw badValue(
          `${path} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`,
        );
      }
      return;
    }
    case '$pullAll':
      if (!Array.isArray(arg))
        throw badValue(`$pullAll requires an array argument but was given a ${typeof arg}`);
      return;
    case '$bit':
      if (!isPlainObject(arg) || Object.keys(arg).length === 0) {
        throw badValue(
          `The $bit modifier is not compatible with a ${typeof arg}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`,
        );
      }
      return;
    default:
      return;
  }
}

function pathsConflict(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return -1;
  return n;
}

function checkConflicts(entries: ModEntry[]): void {
  const paths: string[][] = [];
  for (const e of entries) {
    paths.push(e.parts);
    if (e.op === '$rename') paths.push(splitPath(e.arg as string));
  }
  for (let i = 0; i < paths.length; i++) {
    for (let j = 0; j < i; j++) {
      const common = pathsConflict(paths[i], paths[j]);
      if (common >= 0) {
        throw errorOf(
          ErrorCodes.ConflictingUpdateOperators,
          `Updating the path '${paths[i].join('.')}' would create a conflict at '${paths[i].slice(0, common).join('.')}'`,
        );
      }
    }
  }
}

function filterIdentifier(filter: Document): string {
  let id: string | undefined;
  for (const key of Object.keys(filter)) {
    const head = key.startsWith('$') ? undefined : key.split('.')[0];
    if (head === undefined) continue;
    if (!IDENTIFIER.test(head)) {
      throw badValue(
        `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${head}'`,
      );
    }
    if (id !== undefined && id !== head) {
      throw failedToParse(
        `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${id}' and '${head}'`,
      );
    }
    id = head;
  }
  if (id === undefined)
    throw failedToParse('Cannot use an expression without a top-level field name in arrayFilters');
  return id;
}

function parseArrayFilters(entries: ModEntry[], filters: Document[], u: Document): Map<string, Matcher> {
  const byId = new Map<string, Matcher>();
  for (const filter of filters) {
    if (!isPlainObject(filter)) throw failedToParse('arrayFilters entries must be objects');
    const id = filterIdentifier(filter);
    if (byId.has(id))
      throw failedToParse(`Found multiple array filters with the same top-level field name ${id}`);
    byId.set(id, compileFilter(filter));
  }
  const used = new Set<string>();
  const markUsed = (e: ModEntry, parts: string[]) => {
    for (const part of parts) {
      if (!part.startsWith('$[')) continue;
      const m = FILTER_TOKEN.exec(part);
      if (!m || m[1] === '') continue;
      if (!byId.has(m[1]))
        throw badValue(`No array filter found for identifier '${m[1]}' in path '${e.path}'`);
      used.add(m[1]);
    }
  };
  for (const e of entries) {
    markUsed(e, e.parts);
    if (e.op === '$rename') markUsed(e, splitPath(e.arg as string));
  }
  for (const id of byId.keys()) {
    if (!used.has(id))
      throw failedToParse(
        `The array filter for identifier '${id}' was not used in the update ${JSON.stringify(u)}`,
      );
  }
  return byId;
}

/** `$[id]` -> `id`, `$[]` -> '', anything else -> undefined. */
/**
 * A path's positional components, parsed once per statement rather than once per matched document:
 * `'$'` for the query's match, the filter identifier for `$[id]` (`''` for `$[]`), undefined for a field.
 */
export interface PositionalPath {
  parts: string[];
  /** Undefined when the path has no positional component at all (it addresses itself). */
  tokens?: (string | undefined)[];
}

function positionalPath(parts: string[]): PositionalPath {
  const tokens = parts.map(part => (part === '$' ? '$' : arrayFilterToken(part)));
  return tokens.some(token => token !== undefined) ? { parts, tokens } : { parts };
}

export function arrayFilterToken(part: string): string | undefined {
  if (!part.startsWith('$[')) return undefined;
  const m = FILTER_TOKEN.exec(part);
  return m ? m[1] : undefined;
}
