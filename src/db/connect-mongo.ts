/**
 * Opens the service's one MongoDB connection (mongoose, so models and native collections share one pool).
 * Commands fail fast instead of buffering while disconnected: a job that cannot reach MongoDB should fail
 * and be retried by BullMQ with backoff, not hang inside mongoose's buffer.
 */
import type { LookupFunction } from 'node:net';
import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../config/config-types';
import type { Logger } from '../logging/create-logger';
import { isNamed } from '../errors/error-shape';
import { connectionReason, ServerUnreachable } from '../errors/server-unreachable';
import { subprocessLookup } from '../net/subprocess-lookup';
import { everySeedRefused } from './every-seed-refused';
import { isSrvLookupFailure, selectionTimeoutMsFor, urlOptionNames } from './mongo-url-options';

export interface ConnectMongoOptions {
  /** Reported to the server (`currentOp`, logs) to tell roles apart. @defaultValue 'user-sync' */
  appName?: string;
  /** @defaultValue 20 */
  maxPoolSize?: number;
  /** Connections the pool keeps open even when idle. @defaultValue 0 */
  minPoolSize?: number;
  /** How long an operation waits for a usable server before failing. @defaultValue 10000 */
  serverSelectionTimeoutMS?: number;
  /**
   * How host names are looked up. Not on libuv's thread pool: the driver opens connections on its own
   * schedule, and a lookup stuck there holds the process's exit (see subprocess-lookup.ts).
   * @defaultValue subprocessLookup
   */
  lookup?: LookupFunction;
  /**
   * Give up as soon as every host of MONGO_URL refused the connection, instead of waiting out the
   * selection timeout: for one-shot commands, where nobody is listening on that port now is the answer.
   * @defaultValue false
   */
  giveUpWhenRefused?: boolean;
}

export interface MongoConnection {
  connection: Connection;
  /** The native driver database, for `syncCollections` and change streams. */
  db: NonNullable<Connection['db']>;
  /** Closes the pool; idempotent. */
  close(): Promise<void>;
}

export async function connectMongo(
  config: Pick<Config, 'mongoUrl' | 'mongoDatabase'> & Partial<Pick<Config, 'connectTimeoutMs'>>,
  logger: Logger,
  options: ConnectMongoOptions = {},
): Promise<MongoConnection> {
  const log = logger.child({ component: 'mongo' });
  // Options in MONGO_URL win over ours: an operator who set serverSelectionTimeoutMS there means it.
  const inUrl = urlOptionNames(config.mongoUrl);
  const selectionTimeoutMs = options.serverSelectionTimeoutMS ?? config.connectTimeoutMs ?? 10_000;
  const connection = mongoose.createConnection(config.mongoUrl, {
    dbName: config.mongoDatabase,
    appName: options.appName ?? 'user-sync',
    maxPoolSize: options.maxPoolSize ?? 20,
    minPoolSize: options.minPoolSize ?? 0,
    ...(inUrl.has('serverselectiontimeoutms') ? {} : { serverSelectionTimeoutMS: selectionTimeoutMs }),
    ...(inUrl.has('connecttimeoutms') ? {} : { connectTimeoutMS: 10_000 }),
    // Sync updates are idempotent, so the driver's single automatic retry is always safe.
    retryWrites: true,
    retryReads: true,
    bufferCommands: false,
    autoIndex: false,
    autoCreate: false,
    lookup: options.lookup ?? subprocessLookup,
  });
  let closing: Promise<void> | undefined;
  let opened = false;
  // Our own close is not news, nor a first connect that fails (the caller reports that in one line):
  // only a connection lost while in use is worth a warning.
  connection.on('disconnected', () => {
    if (opened && closing === undefined) log.warn('MongoDB disconnected');
  });
  connection.on('reconnected', () => log.info('MongoDB reconnected'));
  connection.on('error', (error: unknown) => {
    if (opened) log.error({ err: error }, 'MongoDB connection error');
  });
  const refused = options.giveUpWhenRefused
    ? everySeedRefused(connection.getClient(), config.mongoUrl)
    : undefined;
  try {
    await (refused === undefined
      ? connection.asPromise()
      : Promise.race([connection.asPromise(), refused.promise]));
    opened = true;
  } catch (error) {
    closing = Promise.resolve();
    const closed = connection.close(true).catch(() => undefined);
    // The driver is still inside its server selection, and closing waits that out: the caller, about to
    // give up anyway, is not kept waiting for it.
    if (isNamed(error, 'AllHostsRefused'))
      throw new ServerUnreachable('MongoDB', config.mongoUrl, undefined, (error as Error).message);
    await closed;
    if (
      isNamed(error, 'MongooseServerSelectionError') ||
      isNamed(error, 'MongoServerSelectionError') ||
      isSrvLookupFailure(error)
    )
      throw new ServerUnreachable(
        'MongoDB',
        config.mongoUrl,
        selectionTimeoutMsFor(config.mongoUrl, selectionTimeoutMs),
        connectionReason(error),
      );
    throw error;
  }
  refused?.stop();
  const db = connection.db;
  if (db === undefined) throw new Error('MongoDB connection opened without a database handle');
  log.info({ database: config.mongoDatabase }, 'MongoDB connected');

  return {
    connection,
    db,
    close: () => (closing ??= connection.close()),
  };
}
