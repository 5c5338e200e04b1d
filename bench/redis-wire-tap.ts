/**
 * Counts what the service sends Redis through a latency proxy, from the RESP on the wire: commands by name
 * (a Lua script by the BullMQ script it is, see redis-script-names.ts), and round trips. A round trip is
 * counted when a connection sends a command while no reply is outstanding on it: whatever it sends before
 * the replies come back (ioredis pipelines whatever is issued meanwhile) shares that wait. So N
 * independent commands issued together on one connection cost one round trip, a command that waits for
 * the previous reply costs one more, and a blocking BZPOPMIN costs one however long it blocks.
 * `INFO commandstats` counts differently: every call, including those a Lua script makes inside Redis.
 */
import type { Direction } from './latency-proxy';
import { scriptName } from './redis-script-names';

export interface RedisWireCounts {
  /** Commands sent by clients (a script is one). */
  commands: number;
  roundTrips: number;
  /** `EVALSHA moveToActive`, `BZPOPMIN`, `EVAL checkpoint-save`... */
  byName: Record<string, number>;
  /** Round trips, by the name of the command that opened each. */
  roundTripsByOpener: Record<string, number>;
}

export interface RedisCommandSeen {
  /** Epoch ms (fractional), as MongoCommand.at. */
  at: number;
  connection: number;
  name: string;
  /** This command opened a round trip (nothing was outstanding on its connection). */
  opensRoundTrip: boolean;
}

interface ConnectionState {
  request: Buffer;
  reply: Buffer;
  outstanding: number;
}

export class RedisWireTap {
  private readonly connections = new Map<number, ConnectionState>();
  private counts: RedisWireCounts = { commands: 0, roundTrips: 0, byName: {}, roundTripsByOpener: {} };
  readonly log: RedisCommandSeen[] = [];
  keepLog = false;

  readonly tap = (direction: Direction, connection: number, chunk: Buffer): void => {
    let state = this.connections.get(connection);
    if (state === undefined) {
      state = { request: Buffer.alloc(0), reply: Buffer.alloc(0), outstanding: 0 };
      this.connections.set(connection, state);
    }
    if (direction === 'request') {
      let buffer = state.request.length === 0 ? chunk : Buffer.concat([state.request, chunk]);
      for (;;) {
        const parsed = parseCommand(buffer);
        if (parsed === undefined) break;
        this.command(connection, state, parsed.name);
        buffer = buffer.subarray(parsed.end);
      }
      state.request = Buffer.from(buffer);
    } else {
      let buffer = state.reply.length === 0 ? chunk : Buffer.concat([state.reply, chunk]);
      for (;;) {
        const end = skipValue(buffer, 0);
        if (end < 0) break;
        // Pushed messages (pub/sub) have no request: never below zero.
        state.outstanding = Math.max(0, state.outstanding - 1);
        buffer = buffer.subarray(end);
      }
      state.reply = Buffer.from(buffer);
    }
  };

  readonly onClose = (connection: number): void => {
    this.connections.delete(connection);
  };

  snapshot(): RedisWireCounts {
    return structuredClone(this.counts);
  }

  private command(connection: number, state: ConnectionState, name: string): void {
    const opens = state.outstanding === 0;
    state.outstanding += 1;
    const counts = this.counts;
    counts.commands += 1;
    counts.byName[name] = (counts.byName[name] ?? 0) + 1;
    if (opens) {
      counts.roundTrips += 1;
      counts.roundTripsByOpener[name] = (counts.roundTripsByOpener[name] ?? 0) + 1;
    }
    if (this.keepLog)
      this.log.push({
        at: performance.timeOrigin + performance.now(),
        connection,
        name,
        opensRoundTrip: opens,
      });
  }
}

export function redisWireDelta(after: RedisWireCounts, before: RedisWireCounts): RedisWireCounts {
  const minus = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(a)
        .map(([key, value]) => [key, value - (b[key] ?? 0)] as const)
        .filter(([, value]) => value !== 0),
    );
  return {
    commands: after.commands - before.commands,
    roundTrips: after.roundTrips - before.roundTrips,
    byName: minus(after.byName, before.byName),
    roundTripsByOpener: minus(after.roundTripsByOpener, before.roundTripsByOpener),
  };
}

const CR = 13;

/** One request (`*N` array of bulk strings, or an inline command); undefined until it has all arrived. */
function parseCommand(buffer: Buffer): { name: string; end: number } | undefined {
  if (buffer.length === 0) return undefined;
  if (buffer[0] !== 0x2a) {
    const lineEnd = buffer.indexOf('\r\n');
    if (lineEnd < 0) return undefined;
    const name = buffer.toString('utf8', 0, lineEnd).trim().split(/\s+/)[0]?.toUpperCase() ?? '';
    return { name: name || '(empty)', end: lineEnd + 2 };
  }
  const header = readLine(buffer, 1);
  if (header === undefined) return undefined;
  const count = Number(header.text);
  let offset = header.end;
  const args: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const length = readLine(buffer, offset + 1);
    if (length === undefined) return undefined;
    const size = Number(length.text);
    const end = length.end + size + 2;
    if (buffer.length < end) return undefined;
    // The name, and what names a script (its sha or its body): the rest may be large job data.
    if (i < 2) args.push(buffer.toString('utf8', length.end, length.end + size));
    offset = end;
  }
  const name = (args[0] ?? '').toUpperCase();
  const script = name === 'EVALSHA' || name === 'EVAL' ? scriptName(name, args[1] ?? '') : undefined;
  return { name: script === undefined ? name : `${name} ${script}`, end: offset };
}

function readLine(buffer: Buffer, from: number): { text: string; end: number } | undefined {
  const at = buffer.indexOf('\r\n', from);
  if (at < 0) return undefined;
  return { text: buffer.toString('latin1', from, at), end: at + 2 };
}

/** Where the RESP value at `offset` ends, or -1 if it has not all arrived. RESP2 and RESP3 types. */
function skipValue(buffer: Buffer, offset: number): number {
  if (offset >= buffer.length) return -1;
  const type = String.fromCharCode(buffer[offset]);
  const line = readLine(buffer, offset + 1);
  if (line === undefined) return -1;
  switch (type) {
    case '$':
    case '!':
    case '=': {
      const size = Number(line.text);
      if (size < 0) return line.end;
      const end = line.end + size + 2;
      return buffer.length >= end && buffer[end - 2] === CR ? end : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const count = Number(line.text);
      const items = type === '%' || type === '|' ? count * 2 : count;
      let end = line.end;
      for (let i = 0; i < items && end >= 0; i += 1) end = skipValue(buffer, end);
      return count < 0 ? line.end : end;
    }
    default:
      // + - : _ , # ( : one line.
      return line.end;
  }
}
