/** Option value parsers: a bad value becomes commander's usage error (exit 2) naming the option. */
import { InvalidArgumentError } from 'commander';
import {
  CONSUMED_QUEUES,
  deploymentQueues,
  isWorkerQueueName,
  type QueueName,
  type WorkerQueueName,
} from '../queues/queue-names';

const KNOWN_QUEUES = deploymentQueues(true);

export function parsePort(value: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535)
    throw new InvalidArgumentError('must be a port number 0-65535.');
  return port;
}

export function parsePositiveInt(value: string): number {
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError('must be a positive integer.');
  return parsed;
}

/** A duration in seconds, fractions allowed: `--grace 0.5`. */
export function parseSeconds(value: string): number {
  const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(parsed)) throw new InvalidArgumentError('must be a number of seconds, e.g. 5 or 0.5.');
  return parsed;
}

/** `--queues a,b`: the queues workers consume (nothing consumes dead-letter). */
export function parseSyncQueueList(value: string): WorkerQueueName[] {
  const names = value
    .split(',')
    .map(name => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError(`must list queues: ${CONSUMED_QUEUES.join(', ')}.`);
  const unknown = names.filter(name => !isWorkerQueueName(name));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown queue ${unknown.join(', ')}; choose from ${CONSUMED_QUEUES.join(', ')}.`,
    );
  }
  return [...new Set(names)] as WorkerQueueName[];
}

export function parseQueueName(value: string): QueueName {
  if (!(KNOWN_QUEUES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`unknown queue; choose from ${KNOWN_QUEUES.join(', ')}.`);
  }
  return value as QueueName;
}

/** Ids are ObjectIds everywhere (SPEC §1), so a mistyped id fails here, not as a silent no-op later. */
export function collectObjectIds(value: string, previous: string[] = []): string[] {
  if (!/^[0-9a-f]{24}$/i.test(value)) throw new InvalidArgumentError('must be a 24-character hex ObjectId.');
  return [...previous, value.toLowerCase()];
}
