/**
 * The TCP side: accepts clients, hands each socket to a ClientConnection, and owns everything that
 * must be released on stop (listener, sockets, cursors, fail points) so a test process exits cleanly.
 */
import net from 'node:net';
import { ObjectId } from 'bson';
import type { Document } from 'bson';
import type { Logger } from 'pino';
import type { ChangeStreamService } from './change-streams/change-stream-api';
import type { ServerState } from './commands/command-context';
import { CursorRegistry } from './commands/cursor-registry';
import { createDispatcher } from './commands/dispatch';
import { FailPointRegistry } from './commands/fail-point-registry';
import { errorReply, withClusterTime } from './commands/reply';
import type { Engine } from './engine/engine-api';
import { MongoCommandError } from './types';
import type { RequestHandler } from './wire/wire-request';
import { ClientConnection } from './wire/client-connection';
import { WireError } from './wire/wire-error';

export interface EmulatorServerOptions {
  handler: RequestHandler;
  /** The reply to a well-framed but undecodable message, or to a reply that could not be encoded. */
  errorReply: (error: Error) => Document;
  logger: Logger;
  /** Runs on stop after every socket is gone (cursors, fail points). */
  release: () => void;
}

export class EmulatorServer {
  private readonly listener: net.Server;
  private readonly connections = new Set<ClientConnection>();
  private nextConnectionId = 1;
  private totalCreated = 0;
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: EmulatorServerOptions) {
    this.listener = net.createServer(socket => this.accept(socket));
    // A listener error after start (rare: EMFILE) must not crash the host process.
    this.listener.on('error', error => options.logger.error({ err: error }, 'mongo emulator listener error'));
  }

  /** Resolves with the bound port (the one chosen by the OS for port 0). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.listener.once('error', onError);
      this.listener.listen(port, host, () => {
        this.listener.off('error', onError);
        resolve((this.listener.address() as net.AddressInfo).port);
      });
    });
  }

  connectionCounts(): { current: number; totalCreated: number } {
    return { current: this.connections.size, totalCreated: this.totalCreated };
  }

  /** Destroys every client socket at once, as a network partition or a server restart would. */
  dropAllConnections(): void {
    for (const connection of [...this.connections]) connection.destroy();
  }

  /** Idempotent: every call returns the same promise. */
  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  private accept(socket: net.Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    this.totalCreated++;
    const connection = new ClientConnection({
      id: this.nextConnectionId++,
      socket,
      handler: this.options.handler,
      logger: this.options.logger,
      errorReply: this.options.errorReply,
      onClose: closed => this.connections.delete(closed),
    });
    this.connections.add(connection);
  }

  private async close(): Promise<void> {
    const closed = new Promise<void>(resolve => this.listener.close(() => resolve()));
    const steps = [() => this.dropAllConnections(), () => this.options.release()];
    for (const step of steps) {
      try {
        step();
      } catch (error) {
        this.options.logger.error({ err: error }, 'mongo emulator stop step failed');
      }
    }
    await closed;
  }
}

export interface EmulatorParts {
  engine: Engine;
  changeStreams: ChangeStreamService;
  port: number;
  host: string;
  /** What hello reports; derived from `host` when absent. */
  advertisedHost?: string;
  logger: Logger;
  verbose: boolean;
}

export interface RunningEmulator {
  /** `host:port` as clients dial it and hello reports it. */
  address: string;
  host: string;
  port: number;
  stop(): Promise<void>;
  dropAllConnections(): void;
}

/** The address clients must use: a wildcard listen address is not one they can dial. */
function advertisedHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Wires the command layer around an engine and a change-stream service and starts listening. */
export async function startEmulatorServer(parts: EmulatorParts): Promise<RunningEmulator> {
  const { logger, verbose } = parts;
  const cursors = new CursorRegistry();
  const failPoints = new FailPointRegistry();
  // electionId only has to stay constant: drivers treat a smaller one as a stale primary.
  const identity = {
    address: '',
    processId: new ObjectId(),
    electionId: new ObjectId('7fffffff0000000000000001'),
    startedAt: new Date(),
  };
  const state: ServerState = {
    engine: parts.engine,
    changeStreams: parts.changeStreams,
    cursors,
    failPoints,
    identity,
    connectionCounts: () => running.connectionCounts(),
  };
  const running = new EmulatorServer({
    handler: createDispatcher({ server: state, logger, verbose }),
    errorReply: error => {
      const failure =
        error instanceof WireError
          ? new MongoCommandError(22, 'InvalidBSON', error.message)
          : new MongoCommandError(
              10334,
              'BSONObjectTooLarge',
              `reply could not be encoded: ${error.message}`,
            );
      return withClusterTime(errorReply(failure), parts.changeStreams);
    },
    logger,
    release: () => {
      cursors.closeAll();
      failPoints.clear();
    },
  });
  const port = await running.listen(parts.port, parts.host);
  const host = advertisedHost(parts.advertisedHost ?? parts.host);
  // Set before any client can have read a hello: the listener accepts only once listen() resolved.
  identity.address = `${host}:${port}`;
  if (verbose) logger.info({ address: identity.address }, 'mongo emulator listening');
  return {
    address: identity.address,
    host,
    port,
    stop: () => running.stop(),
    dropAllConnections: () => running.dropAllConnections(),
  };
}
