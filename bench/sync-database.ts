/**
 * A fresh platform database for the sync sections, indexed exactly as production indexes it (through
 * `ensureIndexes`): without the indexes every fan-out query would scan and the benchmark would measure that.
 */
import mongoose from 'mongoose';
import type { Config } from '../src/config/config-types';
import { loadConfig } from '../src/config/load-config';
import { createModels } from '../src/db/create-models';
import { ensureIndexes } from '../src/db/ensure-indexes';

/** The resolved config of a service pointed at `databaseName` on `mongoUrl` (and `redisUrl`, if given). */
export function benchConfig(
  mongoUrl: string,
  databaseName: string,
  env: Record<string, string> = {},
): Config {
  const url = new URL(mongoUrl);
  url.pathname = `/${databaseName}`;
  return loadConfig({ LOG_LEVEL: 'silent', ...env, MONGO_URL: url.toString() });
}

export async function createSyncIndexes(mongoUrl: string, config: Config): Promise<void> {
  const connection = await mongoose
    .createConnection(mongoUrl, { dbName: config.mongoDatabase, autoIndex: false })
    .asPromise();
  try {
    await ensureIndexes(createModels(connection, config.collections));
  } finally {
    await connection.close();
  }
}
