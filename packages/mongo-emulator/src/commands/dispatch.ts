/**
 * From a decoded request to a reply: the command table, fail points, transactions, error replies,
 * cluster time on everything, and the verbose log line.
 */
import { Long } from 'bson';
import type { Logger } from 'pino';
import type { Document } from '../types';
import { ErrorCodes, MongoCommandError, commandError } from '../types';
import { OpCode } from '../wire/op-codes';
import type { RequestHandler, RequestOutcome, WireRequest, ConnectionInfo } from '../wire/wire-request';
import type {
  CommandContext,
  CommandHandler,
  CommandReply,
  CommandTable,
  ServerState,
} from './command-context';
import { StreamingReply } from './command-context';
import { adminCommands } from './admin';
import { collectionCommands } from './collections';
import { cursorCommands } from './cursors';
import { errorLabelsFor } from './error-labels';
import { applyFailCommand, failPointCommands } from './fail-points';
import { applyLet } from './let-variables';
import { refuseUnsupported } from './unsupported-features';
import type { FailCommandData } from './fail-point-registry';
import { handshakeCommands } from './handshake';
import { indexCommands } from './indexes';
import { isChangeStreamCommand, readCommands } from './read-commands';
import { errorReply, withClusterTime } from './reply';
import { RetryableWriteHistory } from './retryable-writes';
import { resolveTransaction, transactionCommands } from './transactions';
import { writeCommands } from './write-commands';
import { toBigInt, toNumber } from './numbers';

export const COMMANDS: CommandTable = {
  ...handshakeCommands,
  ...adminCommands,
  ...collectionCommands,
  ...indexCommands,
  ...writeCommands,
  ...readCommands,
  ...cursorCommands,
  ...transactionCommands,
  ...failPointCommands,
};

/** "Not primary" and "shutting down" errors: the ones drivers react to by re-checking the server. */
const STATE_CHANGE_CODES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436]);

/** Commands a legacy OP_QUERY may carry; mongod 5.1+ refuses every other one the same way. */
const OP_QUERY_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);

/** One command being answered: what its error labels are decided from. */
interface Call {
  request: WireRequest;
  connection: ConnectionInfo;
  name: string;
  changeStream: boolean;
}

export interface DispatcherOptions {
  server: ServerState;
  logger: Logger;
  /** Log every command (name, db, duration) at info. */
  verbose: boolean;
  commands?: CommandTable;
}

export function createDispatcher(options: DispatcherOptions): RequestHandler {
  const { server, logger, verbose } = options;
  const commands = options.commands ?? COMMANDS;
  const retryableWrites = new RetryableWriteHistory();

  // A plain outcome whenever the command ran synchronously (every CRUD command does): a chain of promise
  // hops per command measurably slowed single-client round trips, where the engine work is a few µs.
  return (request: WireRequest, connection: ConnectionInfo): RequestOutcome | Promise<RequestOutcome> => {
    const name = firstKey(request.command);
    if (!verbose) return run(request, connection, name);
    const started = performance.now();
    const log = (outcome: RequestOutcome): RequestOutcome => {
      logger.info(
        {
          command: name,
          db: request.db,
          connectionId: connection.id,
          ok: outcome.kind === 'reply' ? outcome.reply.ok : undefined,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        },
        'command',
      );
      return outcome;
    };
    const outcome = run(request, connection, name);
    return outcome instanceof Promise ? outcome.then(log) : log(outcome);
  };

  function run(
    request: WireRequest,
    connection: ConnectionInfo,
    name: string,
  ): RequestOutcome | Promise<RequestOutcome> {
    const { command } = request;
    // Decided before the command runs: a failing getMore may close the very cursor that tells.
    const changeStream =
      isChangeStreamCommand({ name, command }) || (name === 'getMore' && isTailable(command.getMore));
    const call: Call = { request, connection, name, changeStream };
    try {
      const handler: CommandHandler | undefined = Object.hasOwn(commands, name) ? commands[name] : undefined;
      if (request.opCode === OpCode.Query && !OP_QUERY_COMMANDS.has(name)) {
        throw new MongoCommandError(
          352,
          'UnsupportedOpQueryCommand',
          `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade.`,
        );
      }
      const failPoint = server.failPoints.match('failCommand', name, connection.appName);
      if (failPoint) return runAfterFailPoint(call, failPoint, handler);
      return execute(call, handler, undefined);
    } catch (error) {
      return failure(call, error);
    }
  }

  async function runAfterFailPoint(
    call: Call,
    failPoint: FailCommandData,
    handler: CommandHandler | undefined,
  ): Promise<RequestOutcome> {
    try {
      const effect = await applyFailCommand(failPoint, call.connection.closed);
      if (effect.kind === 'close') return { kind: 'close' };
      // The fail point fires before a getMore checks out its cursor: mongod cannot tell it reads a change stream.
      const subject = { ...labelContext(call), changeStream: call.changeStream && call.name !== 'getMore' };
      if (effect.kind === 'error') {
        const labels = effect.labels ?? errorLabelsFor({ code: effect.error.code }, subject);
        return reply(errorReply(effect.error, labels));
      }
      const { writeConcernError } = effect;
      if (writeConcernError === undefined) return await execute(call, handler, undefined);
      const writeConcernCode = toNumber(writeConcernError.code);
      const labels = effect.labels ?? errorLabelsFor({ writeConcernCode }, subject);
      return await execute(call, handler, { writeConcernError, labels });
    } catch (error) {
      return failure(call, error);
    }
  }

  /** Throws synchronously or rejects; `run` and `runAfterFailPoint` turn either into an error reply. */
  function execute(
    call: Call,
    handler: CommandHandler | undefined,
    /** What a failCommand fail point adds to the reply of a command that succeeds. */
    failPointAddition: { writeConcernError: Document; labels: string[] } | undefined,
  ): RequestOutcome | Promise<RequestOutcome> {
    const { request, name } = call;
    if (!handler) throw commandError(ErrorCodes.CommandNotFound, `no such command: '${name}'`);
    const outcomeOf = (settled: CommandReply): RequestOutcome => {
      if (settled instanceof StreamingReply) {
        return {
          kind: 'reply',
          reply: finish(settled.first),
          next: async signal => finish(await settled.next(signal)),
        };
      }
      retryableWrites.record(name, request.command, settled);
      if (failPointAddition) {
        settled.writeConcernError = failPointAddition.writeConcernError;
        if (failPointAddition.labels.length > 0) settled.errorLabels = failPointAddition.labels;
      }
      return reply(settled);
    };
    const replayed = retryableWrites.replay(name, request.command);
    if (replayed !== undefined) return outcomeOf(replayed);
    refuseUnsupported(name, request.command);
    // No await between opening the transaction and the handler's engine call: one atomic step.
    const txn = resolveTransaction(server.engine, name, request.command);
    const ctx: CommandContext = {
      server,
      connection: call.connection,
      db: request.db,
      name,
      command: applyLet(name, request.command),
      txn,
      exhaustAllowed: request.exhaustAllowed,
    };
    const result = handler(ctx);
    return result instanceof Promise
      ? result.then(outcomeOf, (error: unknown) => failure(call, error))
      : outcomeOf(result);
  }

  function failure(call: Call, error: unknown): RequestOutcome {
    if (!(error instanceof Error && error.name === 'MongoCommandError') && !call.connection.closed.aborted) {
      logger.error({ err: error, command: call.name, db: call.request.db }, 'command failed unexpectedly');
    }
    const code = (error as { code?: unknown }).code;
    // A fail point's explicit errorLabels replace what the server would attach.
    const labels =
      (error as { labelsOverride?: string[] }).labelsOverride ??
      (typeof code === 'number' ? errorLabelsFor({ code }, labelContext(call)) : []);
    return reply(errorReply(error, labels));
  }

  function labelContext(call: Call) {
    return { name: call.name, command: call.request.command, changeStream: call.changeStream };
  }

  function reply(document: Document): RequestOutcome {
    if (document.ok === 0 && STATE_CHANGE_CODES.has(document.code as number)) {
      // mongod tags these with its topologyVersion; a driver that sees it is not newer than the one it
      // holds keeps the server selectable and just retries, instead of waiting for the next heartbeat.
      document.topologyVersion = { processId: server.identity.processId, counter: Long.fromNumber(0) };
    }
    return { kind: 'reply', reply: finish(document) };
  }

  function finish(document: Document): Document {
    return withClusterTime(document, server.changeStreams);
  }

  function isTailable(rawId: unknown): boolean {
    const id = toBigInt(rawId);
    return id !== undefined && server.cursors.isTailable(id);
  }
}

function firstKey(document: Document): string {
  for (const key in document) return key;
  return '';
}
