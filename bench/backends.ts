/**
 * The servers a benchmark run measures against. Nothing has to be preconfigured: without MONGO_URL the
 * embedded emulator starts in this process, without REDIS_URL a throwaway redis-server (no persistence)
 * on a free port. Each says what it is, because the figures mean different things on each.
 */
import { startMongoEmulator } from '@user-sync/mongo-emulator';
import { startRedisServer } from '../src/dev/start-redis-server';
import { scrubUrlCredentials } from '../src/logging/scrub-url-credentials';

export interface BenchBackend {
  /** Connection string (may hold credentials: never print it, print `description`). */
  url: string;
  /** What was used, for the report: `embedded emulator (in this process)`, `MONGO_URL (host:port)`... */
  description: string;
  /** True when the server runs inside the benchmark process, so its memory shows in our RSS. */
  inProcess: boolean;
  release(): Promise<void>;
}

export async function acquireBenchMongo(env: NodeJS.ProcessEnv): Promise<BenchBackend> {
  const given = env.MONGO_URL?.trim();
  if (given) return external(given, 'MONGO_URL');
  const emulator = await startMongoEmulator({ port: 0 });
  return {
    url: emulator.uri,
    description: 'embedded emulator (in the benchmark process)',
    inProcess: true,
    release: () => emulator.stop(),
  };
}

export async function acquireBenchRedis(env: NodeJS.ProcessEnv): Promise<BenchBackend> {
  const given = env.REDIS_URL?.trim();
  if (given) return external(given, 'REDIS_URL');
  // startRedisServer runs `redis-server --port N --save '' --appendonly no` with noeviction, as BullMQ needs.
  const server = await startRedisServer();
  return {
    url: server.url,
    description: 'redis-server started for this run (no persistence)',
    inProcess: false,
    release: () => server.stop(),
  };
}

function external(url: string, variable: string): BenchBackend {
  return {
    url,
    description: `${variable} (${scrubUrlCredentials(url)})`,
    inProcess: false,
    release: async () => {},
  };
}
