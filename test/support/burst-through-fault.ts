/**
 * The operator's scenario for a Redis topology (SPEC §6): `user-sync all`, a separate `listener` and a
 * separate `worker` against one Redis deployment; a burst of user changes; a fault in the middle of it.
 * It ends only when every copy shows the new names, nothing failed, dead-letter is empty and `verify` is
 * clean, and reports how long convergence took after the fault.
 */
import type { MongoClient } from 'mongodb';
import { startAll, syncQueueJobs, type AllProcess } from './all-process';
import { spawnCli, type CliProcess } from './cli-process';
import { reportFigure } from './fault-figures';
import { acquireTestMongo, type TestMongo } from './mongo';
import { seedCopiedUsers } from './user-copies';
import { waitUntil } from './wait-until';

export interface BurstThroughFaultOptions {
  /** How user-sync finds Redis: REDIS_CLUSTER_NODES, REDIS_SENTINELS... */
  redisEnv: Record<string, string>;
  /** Breaks something; resolves once the fault is complete (a replica promoted, a slot moved). */
  fault(): Promise<Record<string, number | string>>;
  what: string;
  /** @defaultValue 2000 */
  users?: number;
}

export async function burstThroughFault(options: BurstThroughFaultOptions): Promise<void> {
  const mongo: TestMongo = await acquireTestMongo();
  const client: MongoClient = await mongo.connect();
  const roles: CliProcess[] = [];
  let all: AllProcess | undefined;
  try {
    const database = mongo.databaseName();
    const env = { MONGO_URL: mongo.urlFor(database), ...options.redisEnv };
    const copies = await seedCopiedUsers(client.db(database), options.users ?? 2000);
    all = await startAll(env);
    const roleEnv = { ...env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' };
    roles.push(spawnCli(['listener'], roleEnv), spawnCli(['worker'], roleEnv));
    await all.waitUntilReady();
    await Promise.all(roles.map(role => role.waitFor(/"msg":"role running/)));

    const renaming = copies.rename('Burst');
    await new Promise(resolve => setTimeout(resolve, 500));
    const fault = await options.fault();
    const faultDone = Date.now();
    await renaming;
    await copies.converged(120_000);
    const convergedMs = Date.now() - faultDone;

    const jobs = (states: string[]) => syncQueueJobs(all!.url, states);
    await waitUntil(
      'every sync queue to be empty',
      async () => (await jobs(['waiting', 'active', 'delayed', 'prioritized'])) === 0,
      { timeoutMs: 60_000 },
    );
    expect(await jobs(['failed'])).toBe(0);
    expect(await all.metric('user_sync_dead_letter_jobs')).toBe(0);
    const verify = spawnCli(['verify'], env);
    roles.push(verify);
    const verified = await Promise.race([
      verify.exited,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`verify did not exit within 60 s:\n${verify.stderr()}`)), 60_000),
      ),
    ]);
    if (verified.code !== 0)
      throw new Error(`verify exited ${verified.code}:\n${verify.stdout()}${verify.stderr()}`);
    reportFigure(options.what, { ...fault, convergedAfterFaultMs: convergedMs });
  } finally {
    await Promise.all(roles.map(role => role.stop()));
    await all?.stop();
    await client.close();
    await mongo.release();
  }
}
