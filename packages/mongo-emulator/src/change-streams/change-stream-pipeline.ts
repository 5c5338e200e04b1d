/**
 * The user's stages after `$changeStream`, applied to one event at a time: the leading $match stages with
 * the engine's query matcher, the rest with mingo. Only the stages
 * MongoDB permits in a change stream are accepted, and an output whose `_id` (the resume token) differs
 * from the event's is rejected as MongoDB rejects it: such a stream could never be resumed exactly.
 */
import { Aggregator } from 'mingo';
import { compileFilter, type Matcher } from '../engine/query/query-matcher';
import type { Document } from '../types';
import { commandError, ErrorCodes, MongoCommandError } from '../types';
import { fromMingo, toMingo } from './mingo-values';

const PERMITTED_STAGES = new Set([
  '$match',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
  '$redact',
]);

/**
 * Accepted in last position, where it changes nothing until an event passes 16 MB; such an event is then
 * refused (CommandNotSupported) rather than split, which this emulator does not do.
 */
const SPLIT_STAGE = '$changeStreamSplitLargeEvent';

/** Stages MongoDB knows but forbids after $changeStream; anything else is an unknown stage. */
const OTHER_KNOWN_STAGES = new Set([
  '$bucket',
  '$bucketAuto',
  '$collStats',
  '$count',
  '$currentOp',
  '$densify',
  '$documents',
  '$facet',
  '$fill',
  '$geoNear',
  '$graphLookup',
  '$group',
  '$indexStats',
  '$limit',
  '$listLocalSessions',
  '$listSearchIndexes',
  '$listSessions',
  '$lookup',
  '$merge',
  '$out',
  '$planCacheStats',
  '$sample',
  '$search',
  '$searchMeta',
  '$setWindowFields',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unionWith',
  '$unwind',
  '$vectorSearch',
]);

/** mingo's messages for a malformed specification (as opposed to an error caused by one event's data). */
const SPEC_ERROR =
  /not registered|unregistered|unknown .*operator|invalid .*operator|cannot do exclusion|requires 'scriptEnabled'/i;

export class ChangeStreamPipeline {
  /**
   * The leading $match stages, compiled once: every event of the stream's scope is tested against them
   * (a database-level stream sees every write of the database), and most are filtered out there. Those
   * that read no pre- or post-image run before the images are added, as MongoDB's optimizer moves such a
   * $match ahead of its post-image lookup: an event they reject costs no lookup.
   */
  private readonly imageFreeFilters: Matcher[] = [];
  private readonly imageFilters: Matcher[] = [];
  /** What follows the leading filters, run only on the events that pass them. */
  private readonly aggregator: Aggregator | null;
  /** The client asked for events over 16 MB to come in fragments ($changeStreamSplitLargeEvent). */
  readonly splitsLargeEvents: boolean;

  constructor(stages: Document[]) {
    if (!Array.isArray(stages))
      throw commandError(ErrorCodes.TypeMismatch, "'pipeline' option must be specified as an array");
    const effective = stages.filter(
      (stage, k) => validateStage(stage, k === stages.length - 1) !== SPLIT_STAGE,
    );
    this.splitsLargeEvents = effective.length < stages.length;
    const leading = effective.findIndex(stage => Object.keys(stage)[0] !== '$match');
    const matches = leading === -1 ? effective : effective.slice(0, leading);
    const rest = leading === -1 ? [] : effective.slice(leading);
    for (const stage of matches) {
      const filter = compileMatch(stage.$match);
      (readsImages(stage.$match) ? this.imageFilters : this.imageFreeFilters).push(filter);
    }
    this.aggregator =
      rest.length > 0 ? new Aggregator(toMingo(rest) as Document[], { scriptEnabled: false }) : null;
    this.rejectMalformedSpec();
  }

  /**
   * False when a leading $match that reads no image rejects the event: `event` may lack its images, which
   * only need to be looked up for an event that passes.
   */
  acceptsBeforeImages(event: Document): boolean {
    if (this.imageFreeFilters.length === 0) return true;
    return this.guarded(() => this.imageFreeFilters.every(filter => filter(event)));
  }

  /**
   * The event as the pipeline leaves it, or null when the pipeline filters it out. `acceptsBeforeImages`
   * has already accepted it.
   */
  apply(event: Document): Document | null {
    if (this.imageFilters.length === 0 && this.aggregator === null) return event;
    if (!this.guarded(() => this.imageFilters.every(filter => filter(event)))) return null;
    // A pipeline of $match stages only returns the event untouched, bson types and all.
    if (this.aggregator === null) return event;
    const { aggregator } = this;
    const output = this.guarded(
      () => aggregator.run([toMingo(event) as Document])[0] as Document | undefined,
    );
    if (output === undefined) return null;
    const restored = fromMingo(output, event) as Document;
    if (!sameResumeToken(restored._id, event._id)) {
      throw commandError(
        ErrorCodes.ChangeStreamFatalError,
        'Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. ' +
          'Modifying the _id field of an event makes it impossible to resume the stream from that point. ' +
          'Only transformations that retain the unmodified _id field are allowed.',
      );
    }
    return restored;
  }

  private guarded<T>(evaluate: () => T): T {
    try {
      return evaluate();
    } catch (error) {
      if (error instanceof MongoCommandError) throw error;
      throw commandError(
        ErrorCodes.BadValue,
        `Error in the change stream pipeline: ${(error as Error).message}`,
      );
    }
  }

  /**
   * mingo parses lazily, so an unknown operator would only surface with the first event. A dry run on a
   * sample event reports it at open instead, as MongoDB's parse does; errors that depend on the data are
   * left for real events.
   */
  private rejectMalformedSpec(): void {
    try {
      for (const filter of [...this.imageFreeFilters, ...this.imageFilters]) filter(SAMPLE_EVENT);
      this.aggregator?.run([toMingo(SAMPLE_EVENT) as Document]);
    } catch (error) {
      rethrowIfMalformed(error);
    }
  }
}

const IMAGE_FIELDS = ['fullDocument', 'fullDocumentBeforeChange'];

/**
 * Whether a $match may read `fullDocument` or `fullDocumentBeforeChange`: a field path through one, or an
 * expression naming one or the whole document ($$ROOT, $$CURRENT). Errs on the side of "reads".
 */
function readsImages(criteria: unknown): boolean {
  if (typeof criteria === 'string')
    return (
      IMAGE_FIELDS.some(field => criteria === `$${field}` || criteria.startsWith(`$${field}.`)) ||
      criteria.startsWith('$$ROOT') ||
      criteria.startsWith('$$CURRENT')
    );
  if (Array.isArray(criteria)) return criteria.some(readsImages);
  if (typeof criteria !== 'object' || criteria === null) return false;
  return Object.entries(criteria).some(
    ([key, value]) =>
      IMAGE_FIELDS.some(field => key === field || key.startsWith(`${field}.`)) ||
      key === '$where' ||
      key === '$function' ||
      readsImages(value),
  );
}

/**
 * The engine's own matcher, as for find: it compares bson values as MongoDB does, needs no translation of
 * each event, and tests a branch's cheap equalities before its `$expr`.
 */
function compileMatch(criteria: unknown): Matcher {
  if (typeof criteria !== 'object' || criteria === null || Array.isArray(criteria))
    throw new MongoCommandError(
      15959,
      'Location15959',
      'the match filter must be an expression in an object',
    );
  try {
    return compileFilter(criteria as Document);
  } catch (error) {
    rethrowIfMalformed(error);
    throw error;
  }
}

function rethrowIfMalformed(error: unknown): void {
  const message = (error as Error).message ?? '';
  if (SPEC_ERROR.test(message)) {
    throw new MongoCommandError(168, 'InvalidPipelineOperator', `Invalid change stream pipeline: ${message}`);
  }
}

function validateStage(stage: unknown, isLast: boolean): string {
  if (
    typeof stage !== 'object' ||
    stage === null ||
    Array.isArray(stage) ||
    Object.keys(stage).length !== 1
  ) {
    throw new MongoCommandError(
      40323,
      'Location40323',
      'A pipeline stage specification object must contain exactly one field.',
    );
  }
  const name = Object.keys(stage)[0] as string;
  if (PERMITTED_STAGES.has(name)) return name;
  if (name === SPLIT_STAGE && isLast) return name;
  if (name === '$changeStream') {
    throw new MongoCommandError(
      40602,
      'Location40602',
      '$changeStream is only valid as the first stage in a pipeline',
    );
  }
  if (OTHER_KNOWN_STAGES.has(name) || name === SPLIT_STAGE) {
    throw new MongoCommandError(
      20,
      'IllegalOperation',
      `${name} is not permitted in a $changeStream pipeline`,
    );
  }
  throw commandError(ErrorCodes.Location40324, `Unrecognized pipeline stage name: '${name}'`);
}

function sameResumeToken(output: unknown, token: unknown): boolean {
  if (typeof output !== 'object' || output === null || typeof token !== 'object' || token === null)
    return false;
  const a = output as Record<string, unknown>;
  const b = token as Record<string, unknown>;
  return Object.keys(a).length === Object.keys(b).length && a._data === b._data;
}

const SAMPLE_EVENT: Document = {
  _id: { _data: '' },
  operationType: 'update',
  clusterTime: null,
  wallTime: new Date(0),
  ns: { db: 'db', coll: 'coll' },
  documentKey: { _id: 0 },
  updateDescription: { updatedFields: {}, removedFields: [], truncatedArrays: [] },
  fullDocument: { _id: 0 },
};
