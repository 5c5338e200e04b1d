/**
 * hello / isMaster: this server is the primary of a one-member replica set `rs0`. The reply must let
 * the driver keep it in the topology (`me`, `hosts` and `primary` equal the address it dialed) and use
 * sessions and the streaming monitor protocol (logicalSessionTimeoutMinutes, topologyVersion).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Long, ObjectId } from 'bson';
import type { Document } from '../types';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE } from '../wire/op-codes';
import type { CommandContext, CommandTable } from './command-context';
import { StreamingReply } from './command-context';
import { optionalInteger } from './numbers';

export const REPLICA_SET_NAME = 'rs0';

/** MongoDB 7.0. */
export const MAX_WIRE_VERSION = 21;

const MIN_STREAM_INTERVAL_MS = 100;

function helloDocument(ctx: CommandContext, legacy: boolean): Document {
  const { identity, changeStreams } = ctx.server;
  const now = new Date();
  const opTime = { ts: changeStreams.now(), t: Long.fromNumber(1) };
  return {
    ...(legacy ? { ismaster: true } : {}),
    isWritablePrimary: true,
    topologyVersion: { processId: identity.processId, counter: Long.fromNumber(0) },
    hosts: [identity.address],
    setName: REPLICA_SET_NAME,
    setVersion: 1,
    secondary: false,
    primary: identity.address,
    me: identity.address,
    electionId: identity.electionId,
    lastWrite: { opTime, lastWriteDate: now, majorityOpTime: opTime, majorityWriteDate: now },
    helloOk: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100_000,
    localTime: now,
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connection.id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

/**
 * The topology never changes, so an awaitable hello whose topologyVersion is current just waits
 * maxAwaitTimeMS; one from an older server instance (other processId) is answered at once.
 */
function awaitTimes(ctx: CommandContext): { first: number; between: number } | undefined {
  const { topologyVersion } = ctx.command;
  const maxAwait = optionalInteger(ctx.command, 'maxAwaitTimeMS');
  if (maxAwait === undefined || topologyVersion === null || typeof topologyVersion !== 'object')
    return undefined;
  const processId = (topologyVersion as Document).processId;
  const current = processId instanceof ObjectId && processId.equals(ctx.server.identity.processId);
  // Streamed replies after the first always wait: a zero wait would spin the event loop.
  const between = Math.max(MIN_STREAM_INTERVAL_MS, maxAwait);
  return { first: current ? Math.max(0, maxAwait) : 0, between };
}

async function hello(ctx: CommandContext, legacy: boolean): Promise<Document | StreamingReply> {
  const application = (ctx.command.client as Document | undefined)?.application as Document | undefined;
  if (typeof application?.name === 'string') ctx.connection.appName = application.name;

  const waits = awaitTimes(ctx);
  if (waits === undefined) return helloDocument(ctx, legacy);
  await delay(waits.first, undefined, { signal: ctx.connection.closed });
  const first = helloDocument(ctx, legacy);
  if (!ctx.exhaustAllowed) return first;
  return new StreamingReply(first, async signal => {
    await delay(waits.between, undefined, { signal });
    return helloDocument(ctx, legacy);
  });
}

export const handshakeCommands: CommandTable = {
  hello: ctx => hello(ctx, false),
  isMaster: ctx => hello(ctx, true),
  ismaster: ctx => hello(ctx, true),
};
