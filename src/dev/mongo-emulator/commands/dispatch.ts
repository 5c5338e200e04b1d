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
import type { CommandContext, CommandHandler, CommandTable, ServerState } from './command-context';
import { StreamingReply } from './command-context';
import { adminCommands } from './admin';
import { collectionCommands } from './collections';
import { cursorCommands } from './cursors';
import { errorLabelsFor } from './error-labels';
import { applyFailCommand, failPointCommands } from './fail-points';
import { handshakeCommands } from './handshake';
import { indexCommands } from './indexes';
import { isChangeStreamCommand, readCommands } from './read-commands';
import { errorReply, withClusterTime } from './reply';
import { resolveTransaction, transactionCommands } from './transactions';
import { writeCommands } from './write-commands';
import { toBigInt } from './numbers';

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

  return async (request: WireRequest, connection: ConnectionInfo): Promise<RequestOutcome> => {
    const started = performance.now();
    const name = Object.keys(request.command)[0] ?? '';
    const outcome = await run(request, connection, name);
    if (verbose) {
      const ok = outcome.kind === 'reply' ? outcome.reply.ok : undefined;
      logger.info(
        {
          command: name,
          db: request.db,
          connectionId: connection.id,
          ok,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        },
        'command',
      );
    }
    return outcome;
  };

  async function run(
    request: WireRequest,
    connection: ConnectionInfo,
    name: string,
  ): Promise<RequestOutcome> {
    const { command } = request;
    const changeStream =
      isChangeStreamCommand({ name, command }) || (name === 'getMore' && isTailable(command.getMore));
    let writeConcernError: Document | undefined;
    try {
      const handler: CommandHandler | undefined = Object.hasOwn(commands, name) ? commands[name] : undefined;
      if (request.opCode === OpCode.Query && !OP_QUERY_COMMANDS.has(name)) {
        throw new MongoCommandError(
          352,
          'UnsupportedOpQueryCommand',
          `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade.`,
        );
      }
      const failPoint = server.failPoints.match(name, connection.appName);
      if (failPoint) {
        const effect = await applyFailCommand(failPoint, connection.closed);
        if (effect.kind === 'close') return { kind: 'close' };
        if (effect.kind === 'error') {
          const labels = effect.labels ?? errorLabelsFor(effect.error.code, { name, command, changeStream });
          return reply(errorReply(effect.error, labels));
        }
        writeConcernError = effect.writeConcernError;
      }
      if (!handler) throw commandError(ErrorCodes.CommandNotFound, `no such command: '${name}'`);
      // No await between opening the transaction and the handler's engine call: one atomic step.
      const txn = resolveTransaction(server.engine, name, command);
      const ctx: CommandContext = {
        server,
        connection,
        db: request.db,
        name,
        command,
        txn,
        exhaustAllowed: request.exhaustAllowed,
      };
      const result = await handler(ctx);
      if (result instanceof StreamingReply) {
        return {
          kind: 'reply',
          reply: finish(result.first),
          next: async signal => finish(await result.next(signal)),
        };
      }
      if (writeConcernError) result.writeConcernError = writeConcernError;
      return reply(result);
    } catch (error) {
      if (!(error instanceof Error && error.name === 'MongoCommandError') && !connection.closed.aborted) {
        logger.error({ err: error, command: name, db: request.db }, 'command failed unexpectedly');
      }
      const code = (error as { code?: unknown }).code;
      const labels = typeof code === 'number' ? errorLabelsFor(code, { name, command, changeStream }) : [];
      return reply(errorReply(error, labels));
    }
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
