/**
 * Counts the MongoDB commands that cross a latency proxy, read from the wire: the driver's command
 * monitoring only sees the client it is attached to, and the commands that matter here are sent by the
 * service's own processes. Each request message is an OP_MSG whose body's first key names the command
 * (`find`, `update`, `getMore`...) and, for most, holds the collection; OP_QUERY is the legacy handshake.
 * With `keepLog`, each command is also kept whole, for a profile of one change.
 */
import { deserialize, type Document } from 'bson';
import type { Direction } from './latency-proxy';

const OP_QUERY = 2004;
const OP_MSG = 2013;
const HEADER_BYTES = 16;

/** Monitoring and handshake: the driver sends these on a timer, whatever the service does. */
export const MONITORING_COMMANDS: ReadonlySet<string> = new Set(['hello', 'isMaster', 'ismaster', 'ping']);

export interface MongoCommand {
  /** Epoch ms (fractional) when the message arrived at the proxy: comparable across processes. */
  at: number;
  connection: number;
  name: string;
  collection: string | undefined;
  /** The body, with document sequences (an insert's or update's statements) folded in; only with keepLog. */
  body?: Document;
}

export interface MongoCounts {
  /** Every command, monitoring included. */
  total: number;
  byName: Record<string, number>;
  /** `name collection`, e.g. `find _users`. */
  byTarget: Record<string, number>;
}

export class MongoWireTap {
  private readonly buffers = new Map<number, Buffer>();
  private counts: MongoCounts = { total: 0, byName: {}, byTarget: {} };
  /** Filled only while keepLog is on. */
  readonly log: MongoCommand[] = [];
  keepLog = false;

  /** For LatencyProxyOptions.tap. */
  readonly tap = (direction: Direction, connection: number, chunk: Buffer): void => {
    if (direction !== 'request') return;
    const pending = this.buffers.get(connection);
    let buffer = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
    while (buffer.length >= HEADER_BYTES) {
      const length = buffer.readInt32LE(0);
      if (buffer.length < length) break;
      this.message(connection, buffer.subarray(0, length));
      buffer = buffer.subarray(length);
    }
    if (buffer.length > 0) this.buffers.set(connection, Buffer.from(buffer));
    else this.buffers.delete(connection);
  };

  readonly onClose = (connection: number): void => {
    this.buffers.delete(connection);
  };

  snapshot(): MongoCounts {
    return structuredClone(this.counts);
  }

  private message(connection: number, message: Buffer): void {
    const opCode = message.readInt32LE(12);
    let body: Buffer | undefined;
    let sequences: Buffer | undefined;
    if (opCode === OP_MSG) {
      // flagBits, then sections: kind 0 is the body, kind 1 a document sequence (size, identifier, docs).
      let offset = HEADER_BYTES + 4;
      if (message[offset] === 0) {
        const size = message.readInt32LE(offset + 1);
        body = message.subarray(offset + 1, offset + 1 + size);
        offset += 1 + size;
        sequences = message.subarray(offset);
      }
    } else if (opCode === OP_QUERY) {
      // flags, fullCollectionName (a C string), numberToSkip, numberToReturn, then the query.
      const nameEnd = message.indexOf(0, HEADER_BYTES + 4);
      const start = nameEnd + 1 + 8;
      body = message.subarray(start, start + message.readInt32LE(start));
    }
    const name = body === undefined ? `opCode ${opCode}` : firstKey(body);
    const document = body === undefined ? undefined : deserialize(body, { promoteLongs: false });
    const collection = collectionOf(name, document);
    const counts = this.counts;
    counts.total += 1;
    counts.byName[name] = (counts.byName[name] ?? 0) + 1;
    const target = collection === undefined ? name : `${name} ${collection}`;
    counts.byTarget[target] = (counts.byTarget[target] ?? 0) + 1;
    if (this.keepLog) {
      const full = document === undefined ? undefined : withSequences(document, sequences);
      this.log.push({
        at: performance.timeOrigin + performance.now(),
        connection,
        name,
        collection,
        body: full,
      });
    }
  }
}

export function countsDelta(after: MongoCounts, before: MongoCounts): MongoCounts {
  const minus = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(a)
        .map(([key, value]) => [key, value - (b[key] ?? 0)] as const)
        .filter(([, value]) => value !== 0),
    );
  return {
    total: after.total - before.total,
    byName: minus(after.byName, before.byName),
    byTarget: minus(after.byTarget, before.byTarget),
  };
}

/** Commands that are not the driver's own monitoring. */
export function dataCommands(counts: MongoCounts): number {
  return Object.entries(counts.byName)
    .filter(([name]) => !MONITORING_COMMANDS.has(name))
    .reduce((sum, [, value]) => sum + value, 0);
}

/** The first element's name: BSON is int32 size, then type byte, then the C-string name. */
function firstKey(bson: Buffer): string {
  const end = bson.indexOf(0, 5);
  return bson.toString('utf8', 5, end);
}

function collectionOf(name: string, body: Document | undefined): string | undefined {
  if (body === undefined) return undefined;
  if (name === 'getMore') return typeof body.collection === 'string' ? body.collection : undefined;
  const value: unknown = body[name];
  return typeof value === 'string' ? value : undefined;
}

/** Kind-1 sections carry a bulk write's statements outside the body: put them back under their name. */
function withSequences(body: Document, sequences: Buffer | undefined): Document {
  if (sequences === undefined) return body;
  const full: Document = { ...body };
  let offset = 0;
  while (offset < sequences.length && sequences[offset] === 1) {
    const size = sequences.readInt32LE(offset + 1);
    const end = offset + 1 + size;
    const idEnd = sequences.indexOf(0, offset + 5);
    const identifier = sequences.toString('utf8', offset + 5, idEnd);
    const documents: Document[] = [];
    for (let at = idEnd + 1; at < end; at += sequences.readInt32LE(at)) {
      documents.push(deserialize(sequences.subarray(at, at + sequences.readInt32LE(at))));
    }
    full[identifier] = documents;
    offset = end;
  }
  return full;
}
