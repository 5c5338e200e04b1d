/**
 * Pipeline-style updates (`u` is an array) run through mingo's aggregation on the mingo view of the
 * document; fields the pipeline left alone keep their stored BSON types (see fromMingo).
 */
import { Aggregator } from 'mingo';
import type { Document } from '../../types';
import { isPlainObject } from '../bson-types';
import { asCommandError, errorOf, ExtraErrorCodes } from '../engine-errors';
import { fromMingo, toMingo } from '../mingo-values';

const ALLOWED = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

export function validatePipeline(stages: Document[]): void {
  for (const stage of stages) {
    const keys = isPlainObject(stage) ? Object.keys(stage) : [];
    if (keys.length !== 1)
      throw errorOf(
        ExtraErrorCodes.Location(40323),
        'A pipeline stage specification object must contain exactly one field.',
      );
    if (!ALLOWED.has(keys[0])) {
      throw errorOf(ExtraErrorCodes.InvalidOptions, `${keys[0]} is not allowed to be used within an update`);
    }
  }
}

export function applyPipelineUpdate(doc: Document, stages: Document[]): Document {
  validatePipeline(stages);
  try {
    const agg = new Aggregator(toMingo(stages) as Document[], { scriptEnabled: false });
    const [result] = agg.run([toMingo(doc) as Document]);
    return fromMingo(result ?? {}, doc) as Document;
  } catch (e) {
    throw asCommandError(e);
  }
}
