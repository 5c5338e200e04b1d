/**
 * An embedded MongoDB-compatible server for development and tests on machines without MongoDB or
 * Docker: the official driver and mongoose talk to it over TCP as to the primary of replica set `rs0`,
 * change streams and transactions included. See README.md next to this file for what it covers.
 */
import pino from 'pino';
import type { Logger } from 'pino';
import { ChangeStreamHub } from './change-streams/change-stream-hub';
import { StorageEngine } from './engine/storage-engine';
import type { Engine } from './engine/engine-api';
import { startEmulatorServer } from './server';

export interface MongoEmulatorOptions {
  /** TCP port; 0 picks a free one. @defaultValue 27017 */
  port?: number;
  /** Interface to listen on; `0.0.0.0` serves other machines and containers. @defaultValue '127.0.0.1' */
  host?: string;
  /**
   * The host name the server reports as its own (hello's `me`, `hosts`, `primary`) and puts in `uri`. A
   * replica-set client dials exactly this after the handshake, so a server listening on `0.0.0.0` for other
   * containers must advertise the name they reach it by.
   * @defaultValue `host`, or 127.0.0.1 when `host` is a wildcard address
   */
  advertisedHost?: string;
  /** How many change events are kept for resuming change streams. @defaultValue 100000 */
  oplogEvents?: number;
  /** Log every command (name, db, duration) at info. @defaultValue false */
  verbose?: boolean;
  /** @defaultValue pino to stderr at info when verbose, silent otherwise */
  logger?: Logger;
}

export interface MongoEmulator {
  /** `mongodb://HOST:PORT/?replicaSet=rs0` */
  uri: string;
  host: string;
  port: number;
  /** Closes the listener, every socket, cursor and timer. Idempotent. */
  stop(): Promise<void>;
  /** Destroys every client socket now, to test how clients recover. */
  dropAllConnections(): void;
}

const DEFAULT_PORT = 27017;
// Large enough that a dev listener stopped for a while resumes; each event holds document images, so not unbounded.
const DEFAULT_OPLOG_EVENTS = 100_000;

function defaultLogger(verbose: boolean): Logger {
  return verbose
    ? pino({ level: 'info' }, pino.destination({ dest: 2, sync: true }))
    : pino({ enabled: false });
}

export async function startMongoEmulator(options: MongoEmulatorOptions = {}): Promise<MongoEmulator> {
  const verbose = options.verbose ?? false;
  const logger = (options.logger ?? defaultLogger(verbose)).child({ component: 'mongo-emulator' });

  // The hub looks documents up in the engine (updateLookup) and the engine reports changes to the hub;
  // the closures only run once both exist.
  const changeStreams = new ChangeStreamHub({
    maxEvents: options.oplogEvents ?? DEFAULT_OPLOG_EVENTS,
    lookup: (db: string, coll: string, id: unknown) => storage.findById(db, coll, id),
    preImagesEnabled: (db: string, coll: string) => storage.preAndPostImagesEnabled(db, coll),
  });
  const storage: Engine = new StorageEngine({ changes: changeStreams });

  const running = await startEmulatorServer({
    engine: storage,
    changeStreams,
    port: options.port ?? DEFAULT_PORT,
    host: options.host ?? '127.0.0.1',
    advertisedHost: options.advertisedHost,
    logger,
    verbose,
  });
  return {
    uri: `mongodb://${running.address}/?replicaSet=rs0`,
    host: running.host,
    port: running.port,
    stop: () => running.stop(),
    dropAllConnections: () => running.dropAllConnections(),
  };
}
