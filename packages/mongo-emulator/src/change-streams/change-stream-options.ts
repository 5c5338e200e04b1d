/**
 * Parses the `$changeStream` stage document, rejecting what MongoDB 7 rejects: unknown fields, unknown
 * modes, more than one start option.
 */
import type { Timestamp } from 'bson';
import type { Document } from '../types';
import { commandError, ErrorCodes, MongoCommandError } from '../types';
import type { Position } from './resume-token';
import { decodeResumeToken } from './resume-token';

export const FullDocumentMode = {
  default: 'default',
  updateLookup: 'updateLookup',
  whenAvailable: 'whenAvailable',
  required: 'required',
} as const;
export type FullDocumentMode = (typeof FullDocumentMode)[keyof typeof FullDocumentMode];

export const FullDocumentBeforeChangeMode = {
  off: 'off',
  whenAvailable: 'whenAvailable',
  required: 'required',
} as const;
export type FullDocumentBeforeChangeMode =
  (typeof FullDocumentBeforeChangeMode)[keyof typeof FullDocumentBeforeChangeMode];

export type StartOption =
  | { kind: 'now' }
  | { kind: 'resumeAfter'; position: Position }
  | { kind: 'startAfter'; position: Position }
  | { kind: 'startAtOperationTime'; time: Timestamp };

export interface ChangeStreamOptions {
  fullDocument: FullDocumentMode;
  fullDocumentBeforeChange: FullDocumentBeforeChangeMode;
  start: StartOption;
  allChangesForCluster: boolean;
}

/** Fields MongoDB 7 accepts; those with no effect here (no sharding, no expanded events) are ignored. */
const BOOLEAN_FIELDS = [
  'allChangesForCluster',
  'showExpandedEvents',
  'showMigrationEvents',
  'showSystemEvents',
  'showRawUpdateDescription',
  'allowToRunOnConfigDB',
  'allowToRunOnSystemNS',
];

const KNOWN_FIELDS = new Set([
  'resumeAfter',
  'startAfter',
  'startAtOperationTime',
  'fullDocument',
  'fullDocumentBeforeChange',
  ...BOOLEAN_FIELDS,
]);

export function parseChangeStreamOptions(spec: Document): ChangeStreamOptions {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw commandError(ErrorCodes.TypeMismatch, 'the $changeStream stage specification must be an object');
  }
  for (const field of Object.keys(spec)) {
    if (!KNOWN_FIELDS.has(field)) {
      throw new MongoCommandError(
        40415,
        'Location40415',
        `BSON field '$changeStream.${field}' is an unknown field.`,
      );
    }
  }
  for (const field of BOOLEAN_FIELDS) {
    if (spec[field] !== undefined && typeof spec[field] !== 'boolean') {
      throw commandError(
        ErrorCodes.TypeMismatch,
        `BSON field '$changeStream.${field}' is the wrong type, expected type 'bool'`,
      );
    }
  }
  return {
    fullDocument: parseMode(spec, 'fullDocument', Object.values(FullDocumentMode), FullDocumentMode.default),
    fullDocumentBeforeChange: parseMode(
      spec,
      'fullDocumentBeforeChange',
      Object.values(FullDocumentBeforeChangeMode),
      FullDocumentBeforeChangeMode.off,
    ),
    start: parseStart(spec),
    allChangesForCluster: spec.allChangesForCluster === true,
  };
}

function parseMode<M extends string>(spec: Document, field: string, allowed: readonly M[], fallback: M): M {
  const value: unknown = spec[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'string') {
    throw commandError(
      ErrorCodes.TypeMismatch,
      `BSON field '$changeStream.${field}' is the wrong type, expected type 'string'`,
    );
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw commandError(
      ErrorCodes.BadValue,
      `Enumeration value '${value}' for field '$changeStream.${field}' is not a valid value.`,
    );
  }
  return value as M;
}

function parseStart(spec: Document): StartOption {
  const given = (['resumeAfter', 'startAfter', 'startAtOperationTime'] as const).filter(
    f => spec[f] !== undefined,
  );
  if (given.length > 1) {
    throw new MongoCommandError(
      40674,
      'Location40674',
      'Only one type of resume option is allowed, but multiple were found.',
    );
  }
  switch (given[0]) {
    case 'resumeAfter':
      return { kind: 'resumeAfter', position: decodeTokenField(spec.resumeAfter, 'resumeAfter') };
    case 'startAfter':
      return { kind: 'startAfter', position: decodeTokenField(spec.startAfter, 'startAfter') };
    case 'startAtOperationTime': {
      const time: unknown = spec.startAtOperationTime;
      if (!isTimestamp(time)) {
        throw commandError(
          ErrorCodes.TypeMismatch,
          "BSON field '$changeStream.startAtOperationTime' is the wrong type, expected type 'timestamp'",
        );
      }
      return { kind: 'startAtOperationTime', time };
    }
    default:
      return { kind: 'now' };
  }
}

function decodeTokenField(token: unknown, field: string): Position {
  if (typeof token !== 'object' || token === null || Array.isArray(token)) {
    throw commandError(
      ErrorCodes.TypeMismatch,
      `BSON field '$changeStream.${field}' is the wrong type, expected type 'object'`,
    );
  }
  return decodeResumeToken(token);
}

function isTimestamp(value: unknown): value is Timestamp {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { _bsontype?: unknown })._bsontype === 'Timestamp'
  );
}
