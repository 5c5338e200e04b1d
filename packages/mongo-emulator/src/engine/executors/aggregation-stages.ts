/**
 * Pipeline stages the emulator substitutes for mingo's own. mingo merges a caller's Context *under*
 * its built-in operators (built-ins win), so the replacements are registered under private names and
 * pipelines are rewritten to use them (rewritePipeline), nested `$facet` pipelines included:
 * - `$match` uses the engine's matcher (BSON-aware, MongoDB's array and null semantics);
 * - `$sort` uses MongoDB's sort order (type order, arrays by min/max element);
 * - `$count` returns no document for empty input (mingo returns a count of 0);
 * - `$lookup` reads other collections of the database through the resolver, and with
 *   localField/foreignField plus `pipeline` runs the pipeline on the joined documents only (mingo
 *   runs it on the whole foreign collection).
 */
import { Aggregator, Context } from 'mingo';
import type { Iterator } from 'mingo/types/lazy';
import type { Options } from 'mingo/types/types';
import type { Document } from '../../types';
import { isPlainObject } from '../bson-types';
import { badValue } from '../engine-errors';
import { pathValues, setField, splitPath } from '../field-path';
import { indexKey } from '../index-key';
import { compileFilter } from '../query/query-matcher';
import { sortDocuments } from '../query/sort-documents';

/** Documents (in mingo form) of a collection of the same database; [] when it does not exist. */
export type CollectionResolver = (name: string) => Document[];

/** Scratch field the `let` variables of a `$lookup` are evaluated into. */
const LET = '__emulator_lookup_let';

const STAGE_NAMES: Readonly<Record<string, string>> = {
  $match: '$emulatorMatch',
  $sort: '$emulatorSort',
  $lookup: '$emulatorLookup',
  $count: '$emulatorCount',
};

/** The pipeline with $match/$sort/$lookup (also inside $facet) pointing at the emulator's stages. */
export function rewritePipeline(stages: Document[]): Document[] {
  return stages.map(stage => {
    const [name] = Object.keys(stage);
    const arg = stage[name];
    if (name === '$facet' && isPlainObject(arg)) {
      const facets: Document = {};
      for (const [k, sub] of Object.entries(arg)) facets[k] = Array.isArray(sub) ? rewritePipeline(sub) : sub;
      return { $facet: facets };
    }
    if (name === '$unionWith' && isPlainObject(arg) && Array.isArray(arg.pipeline)) {
      return { $unionWith: { ...arg, pipeline: rewritePipeline(arg.pipeline) } };
    }
    return STAGE_NAMES[name] ? { [STAGE_NAMES[name]]: arg } : stage;
  });
}

type PipelineOp = (coll: Iterator, expr: unknown, options: Options) => Iterator;

function variablesOf(options: Options): Record<string, unknown> {
  const local = (options as unknown as { local?: { variables?: Record<string, unknown> } }).local?.variables;
  return { ...(options.variables ?? {}), ...(local ?? {}) };
}

function joinKeys(doc: unknown, path: string): string[] {
  const keys: string[] = [];
  for (const c of pathValues(doc, splitPath(path))) {
    if (c.missing) keys.push(indexKey(null));
    else if (Array.isArray(c.value)) for (const e of c.value) keys.push(indexKey(e));
    else keys.push(indexKey(c.value));
  }
  return keys.length ? keys : [indexKey(null)];
}

export function createStageContext(resolve: CollectionResolver): Context {
  const ops: Record<string, PipelineOp> = {};
  const context = (): Context => ctx;

  ops[STAGE_NAMES.$match] = (coll, expr, options) => {
    if (!isPlainObject(expr)) throw badValue('the match filter must be an expression in an object');
    const matcher = compileFilter(expr as Document, { variables: variablesOf(options) });
    return coll.filter(doc => matcher(doc));
  };

  ops[STAGE_NAMES.$sort] = (coll, expr) => {
    if (!isPlainObject(expr) || Object.keys(expr).length === 0)
      throw badValue('$sort stage must have at least one sort key');
    return coll.transform(
      (docs: unknown[]) => sortDocuments(docs, expr as Document)[Symbol.iterator]() as unknown as Iterator,
    );
  };

  ops[STAGE_NAMES.$count] = (coll, expr) => {
    if (typeof expr !== 'string' || expr === '' || expr.startsWith('$') || expr.includes('.')) {
      throw badValue('the count field must be a non-empty string without $ or .');
    }
    return coll.transform(
      (docs: unknown[]) =>
        (docs.length ? [{ [expr]: docs.length }] : [])[Symbol.iterator]() as unknown as Iterator,
    );
  };

  ops[STAGE_NAMES.$lookup] = (coll, expr, options) => {
    if (!isPlainObject(expr) || typeof expr.as !== 'string')
      throw badValue('$lookup requires an object with an `as` field');
    const { from, localField, foreignField, pipeline, as } = expr as Record<string, unknown>;
    if (from !== undefined && typeof from !== 'string')
      throw badValue('$lookup from must be a collection name');
    if ((localField === undefined) !== (foreignField === undefined))
      throw badValue('$lookup requires both or neither of localField and foreignField');
    if (pipeline !== undefined && !Array.isArray(pipeline))
      throw badValue('$lookup pipeline must be an array');
    const foreign = typeof from === 'string' ? resolve(from) : [];
    let byKey: Map<string, Document[]> | undefined;
    if (typeof foreignField === 'string') {
      byKey = new Map();
      for (const f of foreign) {
        for (const k of new Set(joinKeys(f, foreignField))) {
          const list = byKey.get(k);
          if (list) list.push(f);
          else byKey.set(k, [f]);
        }
      }
    }
    const outer = variablesOf(options);
    const letSpec = isPlainObject(expr.let) ? expr.let : undefined;
    return coll.map((doc: Document) => {
      let joined = foreign;
      if (byKey) {
        const hits = new Set<Document>();
        for (const k of joinKeys(doc, localField as string)) for (const f of byKey.get(k) ?? []) hits.add(f);
        joined = foreign.filter(f => hits.has(f));
      }
      let result: Document[] = joined;
      if (Array.isArray(pipeline) && pipeline.length > 0) {
        const letValues = letSpec
          ? (new Aggregator([{ $set: { [LET]: letSpec } }], { context: context(), variables: outer }).run([
              { ...doc },
            ])[0]?.[LET] as Record<string, unknown>)
          : {};
        result = new Aggregator(rewritePipeline(pipeline as Document[]), {
          context: context(),
          variables: { ...outer, ...letValues },
          scriptEnabled: false,
          collectionResolver: resolve,
        }).run(joined);
      }
      const out: Document = { ...doc };
      setField(
        out,
        as as string,
        result.map(r => ({ ...r })),
      );
      return out;
    });
  };

  const ctx = Context.init({ pipeline: ops as never });
  return ctx;
}
