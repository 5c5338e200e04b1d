/**
 * The `let` option of find, aggregate, update, delete and findAndModify: variables the command's
 * expressions read as `$$name`. Each is evaluated once, before any document is read (as on mongod, a `let`
 * cannot refer to a document), and every `$$name` / `$$name.path` where the command evaluates expressions
 * (`$expr`, pipelines, projections) becomes that value as a `$literal`, so every evaluator sees it.
 */
import { Aggregator } from 'mingo';
import type { Document } from '../types';
import { isPlainObject } from '../engine/bson-types';
import { asCommandError, badValue } from '../engine/engine-errors';
import { fromMingo, toMingo } from '../engine/mingo-values';

type Rewrite = (value: unknown, variables: Map<string, unknown>) => unknown;

/** Where each command holds expressions. In a filter only `$expr` evaluates them; a plain `'$$x'` is a string. */
const REWRITES: Record<string, Record<string, Rewrite>> = {
  find: { filter: inFilter, projection: everywhere },
  aggregate: { pipeline: everywhere },
  update: { updates: statements({ q: inFilter, u: inPipelineUpdate }) },
  delete: { deletes: statements({ q: inFilter }) },
  findAndModify: { query: inFilter, update: inPipelineUpdate, fields: everywhere },
  findandmodify: { query: inFilter, update: inPipelineUpdate, fields: everywhere },
};

const VARIABLE_NAME = /^[a-z][A-Za-z0-9_]*$/;

export function applyLet(name: string, command: Document): Document {
  const rewrites = REWRITES[name];
  if (command.let === undefined || rewrites === undefined) return command;
  if (!isPlainObject(command.let)) throw badValue("BSON field 'let' must be an object");
  const variables = evaluate(command.let as Document);
  const substituted: Document = { ...command };
  for (const [field, rewrite] of Object.entries(rewrites)) {
    if (substituted[field] !== undefined) substituted[field] = rewrite(substituted[field], variables);
  }
  delete substituted.let;
  return substituted;
}

function evaluate(spec: Document): Map<string, unknown> {
  for (const name of Object.keys(spec)) {
    if (!VARIABLE_NAME.test(name))
      throw badValue(`'${name}' starts with an invalid character for a user variable name`);
  }
  try {
    const [values] = new Aggregator([{ $replaceRoot: { newRoot: toMingo(spec) } }], {
      scriptEnabled: false,
    }).run([{}]);
    return new Map(Object.entries(fromMingo(values ?? {}) as Document));
  } catch (e) {
    throw asCommandError(e);
  }
}

function statements(fields: Record<string, Rewrite>): Rewrite {
  return (value, variables) =>
    Array.isArray(value)
      ? value.map(statement => {
          if (!isPlainObject(statement)) return statement;
          const out: Document = { ...statement };
          for (const [field, rewrite] of Object.entries(fields)) {
            if (out[field] !== undefined) out[field] = rewrite(out[field], variables);
          }
          return out;
        })
      : value;
}

/** Only a pipeline-style update (an array) evaluates expressions; `$set: {a: '$$x'}` sets a string. */
function inPipelineUpdate(value: unknown, variables: Map<string, unknown>): unknown {
  return Array.isArray(value) ? everywhere(value, variables) : value;
}

function inFilter(value: unknown, variables: Map<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map(item => inFilter(item, variables));
  if (!isPlainObject(value)) return value;
  const out: Document = {};
  for (const [key, item] of Object.entries(value as Document)) {
    out[key] = key === '$expr' ? everywhere(item, variables) : inFilter(item, variables);
  }
  return out;
}

function everywhere(value: unknown, variables: Map<string, unknown>): unknown {
  if (typeof value === 'string') return value.startsWith('$$') ? reference(value, variables) : value;
  if (Array.isArray(value)) return value.map(item => everywhere(item, variables));
  if (!isPlainObject(value)) return value;
  // A $literal is data, even when it looks like a variable.
  if ('$literal' in (value as Document)) return value;
  const out: Document = {};
  for (const [key, item] of Object.entries(value as Document)) out[key] = everywhere(item, variables);
  return out;
}

function reference(text: string, variables: Map<string, unknown>): unknown {
  const [name, ...path] = text.slice(2).split('.');
  if (!variables.has(name!)) return text;
  let current = variables.get(name!);
  for (const step of path) current = isPlainObject(current) ? (current as Document)[step] : undefined;
  return { $literal: current ?? null };
}
