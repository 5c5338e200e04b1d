/**
 * Opens the service's one MongoDB connection (mongoose, so models and native collections share one pool).
 * Commands fail fast instead of buffering while disconnected: a job that cannot reach MongoDB should fail
 * and be retried by BullMQ with backoff, not hang inside mongoose's buffer.
 */
import type { LookupFunction } from 'node:net';
import type { ServerHeartbeatFailedEvent } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../config/config-types';
import type { Logger } from '../logging/create-logger';
import { isNamed } from '../errors/error-shape';
import { connectionReason, ServerUnreachable } from '../errors/server-unreachable';
import { subprocessLookup } from '../net/subprocess-lookup';

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

function urlOptionNames(url: string): Set<string> {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  return new Set([...new URLSearchParams(query).keys()].map(key => key.toLowerCase()));
}

/** The selection timeout in force: MONGO_URL's own, when it has one. */
function selectionTimeoutMsFor(url: string, fallback: number): number {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const [key, value] of new URLSearchParams(query))
    if (key.toLowerCase() === 'serverselectiontimeoutms' && Number.isFinite(Number(value)))
      return Number(value);
  return fallback;
}

/**
 * A `mongodb+srv://` URL is looked up (SRV, then TXT) before any server is tried; a DNS that does not
 * answer, or not yet (a pod whose network is still coming up), is an unreachable server like any other.
 */
function isSrvLookupFailure(error: unknown): boolean {
  const { syscall } = (error ?? {}) as { syscall?: unknown };
  return typeof syscall === 'string' && /^query(Srv|Txt)$/.test(syscall);
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
  const refused = options.giveUpWhenRefused ? everySeedRefused(connection, config.mongoUrl) : undefined;
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

/**
 * Rejects once each host listed in a `mongodb://` URL has refused a connection (ECONNREFUSED). A
 * `mongodb+srv://` URL lists no hosts before its lookup, so it never rejects: its timeout decides.
 */
function everySeedRefused(connection: Connection, url: string): { promise: Promise<never>; stop(): void } {
  const seeds = /^mongodb:\/\/(?:[^@/]*@)?([^/?]+)/
    .exec(url)?.[1]
    .split(',')
    .map(host => host.trim());
  const client = connection.getClient();
  const refusedHosts = new Set<string>();
  let listener: ((event: ServerHeartbeatFailedEvent) => void) | undefined;
  const promise = new Promise<never>((_, reject) => {
    if (seeds === undefined) return;
    listener = event => {
      const code = (event.failure as { cause?: { code?: unknown } }).cause?.code;
      if (code !== 'ECONNREFUSED') return;
      refusedHosts.add(event.connectionId);
      if (seeds.every(seed => refusedHosts.has(seed))) {
        const error = new Error(`connect ECONNREFUSED ${[...refusedHosts].join(', ')}`);
        error.name = 'AllHostsRefused';
        reject(error);
      }
    };
    client.on('serverHeartbeatFailed', listener);
  });
  // Nothing awaits it once the connection opened: a late rejection must not go unhandled.
  promise.catch(() => undefined);
  return {
    promise,
    stop: () => {
      if (listener) client.off('serverHeartbeatFailed', listener);
    },
  };
}
