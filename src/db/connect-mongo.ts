/**
 * Opens the service's one MongoDB connection (mongoose, so models and native collections share one pool).
 * Commands fail fast instead of buffering while disconnected: a job that cannot reach MongoDB should fail
 * and be retried by BullMQ with backoff, not hang inside mongoose's buffer.
 */
import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../config/config-types';
import type { Logger } from '../logging/create-logger';

export interface ConnectMongoOptions {
  /** Reported to the server (`currentOp`, logs) to tell roles apart. @defaultValue 'user-sync' */
  appName?: string;
  /** @defaultValue 20 */
  maxPoolSize?: number;
  /** How long an operation waits for a usable server before failing. @defaultValue 10000 */
  serverSelectionTimeoutMS?: number;
}

export interface MongoConnection {
  connection: Connection;
  /** The native driver database, for `syncCollections` and change streams. */
  db: NonNullable<Connection['db']>;
  /** Closes the pool; idempotent. */
  close(): Promise<void>;
}

export async function connectMongo(
  config: Pick<Config, 'mongoUrl' | 'mongoDatabase'>,
  logger: Logger,
  options: ConnectMongoOptions = {},
): Promise<MongoConnection> {
  const log = logger.child({ component: 'mongo' });
  const connection = mongoose.createConnection(config.mongoUrl, {
    dbName: config.mongoDatabase,
    appName: options.appName ?? 'user-sync',
    maxPoolSize: options.maxPoolSize ?? 20,
    minPoolSize: 0,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
    connectTimeoutMS: 10_000,
    // Sync updates are idempotent, so the driver's single automatic retry is always safe.
    retryWrites: true,
    retryReads: true,
    bufferCommands: false,
    autoIndex: false,
    autoCreate: false,
  });
  connection.on('disconnected', () => log.warn('MongoDB disconnected'));
  connection.on('reconnected', () => log.info('MongoDB reconnected'));
  connection.on('error', (error: unknown) => log.error({ err: error }, 'MongoDB connection error'));
  try {
    await connection.asPromise();
  } catch (error) {
    await connection.close(true).catch(() => undefined);
    throw error;
  }
  const db = connection.db;
  if (db === undefined) throw new Error('MongoDB connection opened without a database handle');
  log.info({ database: config.mongoDatabase }, 'MongoDB connected');

  let closing: Promise<void> | undefined;
  return {
    connection,
    db,
    close: () => (closing ??= connection.close()),
  };
}
