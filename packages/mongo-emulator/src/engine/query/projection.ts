/**
 * find/findAndModify projections: inclusion (with `_id` first), exclusion, `_id: 0`, dotted paths
 * through arrays, positional `a.$`, `$slice` and `$elemMatch`. Projections holding aggregation
 * expressions are handed to mingo's `$project`. Results are fresh copies.
 */
import { Aggregator } from 'mingo';
import type { Document } from '../../types';
import { isPlainObject, numberArg } from '../bson-types';
import { deepCopy } from '../deep-copy';
import { asCommandError, badValue, errorOf, ExtraErrorCodes } from '../engine-errors';
import { getExact, setField, splitPath } from '../field-path';
import { fromMingo, toMingo } from '../mingo-values';
import { compileFilter } from './query-matcher';
import type { MatchDetails } from './query-matcher';

type Tree = { [field: string]: Tree | true };

interface Special {
  parts: string[];
  apply: (value: unknown, position: number | undefined) => unknown | undefined;
}

export interface CompiledProjection {
  apply(doc: Document, position?: number): Document;
}

const identity: CompiledProjection = { apply: doc => deepCopy(doc) };

export function compileProjection(spec: Document | undefined | null): CompiledProjection {
  if (!spec || Object.keys(spec).length === 0) return identity;
  if (!isPlainObject(spec)) throw badValue('projection must be an object');
  let includeId = true;
  let idListed = false;
  let mode: 'include' | 'exclude' | undefined;
  const tree: Tree = {};
  const specials: Special[] = [];
  const setMode = (next: 'include' | 'exclude', path: string): void => {
    if (mode && mode !== next) {
      const code = next === 'include' ? 31253 : 31254;
      const [what, other] = next === 'include' ? ['inclusion', 'exclusion'] : ['exclusion', 'inclusion'];
      throw errorOf(
        ExtraErrorCodes.Location(code),
        `Cannot do ${what} on field ${path} in ${other} projection`,
      );
    }
    mode = next;
  };
  for (const [path, value] of Object.entries(spec)) {
    if (isPlainObject(value) && '$slice' in value) {
      specials.push(sliceSpecial(path, value.$slice));
    } else if (isPlainObject(value) && '$elemMatch' in value) {
      specials.push(elemMatchSpecial(path, value.$elemMatch as Document));
    } else if (path.endsWith('.$')) {
      setMode('include', path);
      specials.push(positionalSpecial(path.slice(0, -2)));
    } else if (typeof value === 'boolean' || !Number.isNaN(numberArg(value))) {
      const on = numberArg(value) !== 0;
      if (path === '_id') {
        includeId = on;
        idListed = on;
      } else {
        setMode(on ? 'include' : 'exclude', path);
        addToTree(tree, splitPath(path));
      }
    } else {
      return expressionProjection(spec);
    }
  }
  // A projection of only $slice/$elemMatch keeps every other field, like an exclusion.
  // `{_id: 1}` alone is an inclusion projection of just `_id`.
  const including = mode === 'include' || (mode === undefined && idListed);
  if (including) for (const s of specials) addToTree(tree, s.parts);
  return {
    apply(doc, position) {
      let out: Document;
      if (including) {
        out = {};
        if (includeId && '_id' in doc) out._id = deepCopy(doc._id);
        Object.assign(out, include(doc, tree, true));
      } else {
        out = exclude(doc, tree) as Document;
        if (!includeId) delete out._id;
      }
      for (const s of specials) applySpecial(out, doc, s, position);
      return out;
    },
  };
}

function addToTree(tree: Tree, parts: string[]): void {
  let node = tree;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) node[part] = true;
    else {
      const next = node[part];
      if (next === true) return;
      node = node[part] = next ?? {};
    }
  });
}

function include(value: Record<string, unknown>, tree: Tree, top = false): Document {
  const out: Document = {};
  for (const [key, v] of Object.entries(value)) {
    if (top && key === '_id') continue;
    const node = tree[key];
    if (node === undefined) continue;
    if (node === true) setField(out, key, deepCopy(v));
    else if (isPlainObject(v)) setField(out, key, include(v, node));
    else if (Array.isArray(v)) setField(out, key, includeArray(v, node));
  }
  return out;
}

function includeArray(values: unknown[], tree: Tree): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (isPlainObject(v)) out.push(include(v, tree));
    else if (Array.isArray(v)) out.push(includeArray(v, tree));
  }
  return out;
}

function exclude(value: unknown, tree: Tree): unknown {
  if (Array.isArray(value)) return value.map(v => exclude(v, tree));
  if (!isPlainObject(value)) return deepCopy(value);
  const out: Document = {};
  for (const [key, v] of Object.entries(value)) {
    const node = tree[key];
    if (node === true) continue;
    setField(out, key, node === undefined ? deepCopy(v) : exclude(v, node));
  }
  return out;
}

function applySpecial(out: Document, doc: Document, s: Special, position: number | undefined): void {
  const result = s.apply(getExact(doc, s.parts), position);
  let node: Record<string, unknown> = out;
  for (const part of s.parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) {
      if (result === undefined) return;
      node[part] = {};
    }
    node = node[part] as Record<string, unknown>;
  }
  const last = s.parts[s.parts.length - 1];
  if (result === undefined) delete node[last];
  else setField(node, last, deepCopy(result));
}

function sliceSpecial(path: string, arg: unknown): Special {
  let skip: number | undefined;
  let limit: number;
  if (Array.isArray(arg)) {
    if (arg.length !== 2) throw badValue('$slice array argument must be of length 2');
    skip = numberArg(arg[0]);
    limit = numberArg(arg[1]);
    if (limit <= 0) throw badValue('$slice limit must be positive');
  } else {
    limit = numberArg(arg);
  }
  if (Number.isNaN(limit) || (skip !== undefined && Number.isNaN(skip)))
    throw badValue('$slice only supports numbers and [skip, limit] arrays');
  return {
    parts: splitPath(path),
    apply(value) {
      if (!Array.isArray(value)) return value;
      if (skip === undefined)
        return limit >= 0 ? value.slice(0, limit) : value.slice(Math.max(value.length + limit, 0));
      const start = skip >= 0 ? Math.min(skip, value.length) : Math.max(value.length + skip, 0);
      return value.slice(start, start + limit);
    },
  };
}

function elemMatchSpecial(path: string, query: Document): Special {
  if (!isPlainObject(query)) throw badValue('elemMatch: Invalid argument, object required.');
  // The query $elemMatch reports which element matched, in both its value and its document form.
  const matcher = compileFilter({ v: { $elemMatch: query } });
  return {
    parts: splitPath(path),
    apply(value) {
      if (!Array.isArray(value)) return undefined;
      const details: MatchDetails = {};
      return matcher({ v: value }, details) && details.position !== undefined
        ? [value[details.position]]
        : undefined;
    },
  };
}

function positionalSpecial(path: string): Special {
  return {
    parts: splitPath(path),
    apply(value, position) {
      if (!Array.isArray(value)) return value;
      if (position === undefined || position >= value.length) {
        throw errorOf(
          ExtraErrorCodes.Location(51246),
          "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array",
        );
      }
      return [value[position]];
    },
  };
}

function expressionProjection(spec: Document): CompiledProjection {
  let agg: Aggregator;
  try {
    agg = new Aggregator([{ $project: toMingo(spec) as Document }], { scriptEnabled: false });
  } catch (e) {
    throw asCommandError(e);
  }
  return {
    apply(doc) {
      try {
        return fromMingo(agg.run([toMingo(doc) as Document])[0], doc) as Document;
      } catch (e) {
        throw asCommandError(e);
      }
    },
  };
}
