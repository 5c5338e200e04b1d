/**
 * The shape shared by the message codec and whoever answers requests: wire/ knows nothing of commands,
 * commands/ knows nothing of bytes.
 */
import type { Document } from 'bson';
import type { OpCode } from './op-codes';

export interface WireRequest {
  requestId: number;
  opCode: typeof OpCode.Query | typeof OpCode.Msg;
  /** `$db` of an OP_MSG, the `<db>` of `<db>.$cmd` for OP_QUERY. */
  db: string;
  /** The command document, document sequences (kind 1) merged in under their identifiers. */
  command: Document;
  /** The client expects no reply (w:0 writes). */
  moreToCome: boolean;
  /** The client accepts a stream of replies (awaitable hello in exhaust mode). */
  exhaustAllowed: boolean;
}

/** What the connection does once a request was handled. */
export type RequestOutcome =
  | {
      kind: 'reply';
      reply: Document;
      /**
       * Set for exhaust replies: called after each reply was sent to produce the next one (it may wait),
       * until the connection closes. `signal` aborts when it does.
       */
      next?: (signal: AbortSignal) => Promise<Document>;
    }
  /** Close the connection without replying (failCommand closeConnection). */
  | { kind: 'close' };

/** What a connection knows about itself; commands may record the client's appName on it. */
export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  appName?: string;
  /** Aborts when the connection closes or the server stops; every wait on its behalf races it. */
  readonly closed: AbortSignal;
}

/** Answers synchronously when it can: the connection then replies without a promise hop. */
export type RequestHandler = (
  request: WireRequest,
  connection: ConnectionInfo,
) => RequestOutcome | Promise<RequestOutcome>;
