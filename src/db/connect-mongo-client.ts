/**
 * MongoDB for one-shot commands (verify, resync): the native driver alone. They need neither models nor
 * index builds (the roles create indexes at start), and mongoose alone costs a third of a second to load,
 * which a command run by hand pays every time. Unreachable servers end it as for the roles' connection:
 * one line, at once when every host refused, else at the selection timeout.
 */
import { MongoClient, type Db } from 'mongodb';
import type { Config } from '../config/config-types';
import { isNamed } from '../errors/error-shape';
import { connectionReason, ServerUnreachable } from '../errors/server-unreachable';
import { subprocessLookup } from '../net/subprocess-lookup';
import { isSrvLookupFailure, selectionTimeoutMsFor, urlOptionNames } from './mongo-url-options';
import { everySeedRefused } from './every-seed-refused';

export interface MongoClientConnection {
  db: Db;
  close(): Promise<void>;
}

export async function connectMongoClient(
  config: Pick<Config, 'mongoUrl' | 'mongoDatabase' | 'connectTimeoutMs'>,
  { appName }: { appName: string },
): Promise<MongoClientConnection> {
  const inUrl = urlOptionNames(config.mongoUrl);
  const client = new MongoClient(config.mongoUrl, {
    appName,
    ...(inUrl.has('serverselectiontimeoutms') ? {} : { serverSelectionTimeoutMS: config.connectTimeoutMs }),
    ...(inUrl.has('connecttimeoutms') ? {} : { connectTimeoutMS: 10_000 }),
    retryWrites: true,
    retryReads: true,
    lookup: subprocessLookup,
  });
  const refused = everySeedRefused(client, config.mongoUrl);
  try {
    await Promise.race([client.connect(), refused.promise]);
  } catch (error) {
    // The driver may still be inside its server selection, and closing waits that out: not the caller.
    void client.close(true).catch(() => undefined);
    if (isNamed(error, 'AllHostsRefused'))
      throw new ServerUnreachable('MongoDB', config.mongoUrl, undefined, (error as Error).message);
    if (isNamed(error, 'MongoServerSelectionError') || isSrvLookupFailure(error))
      throw new ServerUnreachable(
        'MongoDB',
        config.mongoUrl,
        selectionTimeoutMsFor(config.mongoUrl, config.connectTimeoutMs),
        connectionReason(error),
      );
    throw error;
  } finally {
    refused.stop();
  }
  return { db: client.db(config.mongoDatabase), close: () => client.close() };
}
