/** What every command handler receives, and what it may return. */
import type { Document, ObjectId } from 'bson';
import type { ChangeStreamService } from '../change-streams/change-stream-api';
import type { Engine } from '../engine/engine-api';
import type { TxnRef } from '../types';
import type { ConnectionInfo } from '../wire/wire-request';
import type { CursorRegistry } from './cursor-registry';
import type { FailPointRegistry } from './fail-point-registry';

/** Who this server says it is in hello; fixed for its lifetime. */
export interface ServerIdentity {
  /** `host:port` exactly as clients address it: drivers drop a member whose `me` differs. */
  address: string;
  /** Fixed per server instance; a restarted server gets a new one, telling clients to re-check. */
  processId: ObjectId;
  electionId: ObjectId;
  startedAt: Date;
}

export interface ServerState {
  readonly engine: Engine;
  readonly changeStreams: ChangeStreamService;
  readonly cursors: CursorRegistry;
  readonly failPoints: FailPointRegistry;
  readonly identity: ServerIdentity;
  readonly connectionCounts: () => { current: number; totalCreated: number };
}

export interface CommandContext {
  readonly server: ServerState;
  readonly connection: ConnectionInfo;
  /** `$db` of the request. */
  readonly db: string;
  /** The first key of the command document. */
  readonly name: string;
  readonly command: Document;
  /** Set when the command runs inside a multi-document transaction. */
  readonly txn?: TxnRef;
  /** The request allows an exhaust (streamed) reply. */
  readonly exhaustAllowed: boolean;
}

/**
 * A reply that keeps coming: sent with moreToCome, then `next()` produces each following reply (it
 * waits as long as it likes) until the connection closes. Only awaitable hello uses it.
 */
export class StreamingReply {
  constructor(
    readonly first: Document,
    readonly next: (signal: AbortSignal) => Promise<Document>,
  ) {}
}

export type CommandReply = Document | StreamingReply;

export type CommandHandler = (ctx: CommandContext) => CommandReply | Promise<CommandReply>;

/** A group of commands by name (aliases such as `ismaster` are simply listed twice). */
export type CommandTable = Readonly<Record<string, CommandHandler>>;
