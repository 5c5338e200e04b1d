/**
 * The latency proxies for MongoDB and Redis as their own process (forked by proxy-client.ts): on the
 * benchmark's event loop, a stretch of its own work (a change stream's events, a count's reply) would
 * hold up forwarding and add latency that no network has; the wire parsing would add to it too.
 * Speaks to its parent over IPC only: `ready` with the ports, then answers each request by its id.
 */
import { startLatencyProxy, type LatencyProxy } from './latency-proxy';
import { MongoWireTap } from './mongo-wire-tap';
import { RedisWireTap } from './redis-wire-tap';

export interface ProxyTargets {
  mongo: { host: string; port: number };
  redis: { host: string; port: number };
  rttMs: number;
}

export type ProxyRequest =
  | { id: number; type: 'snapshot' }
  | { id: number; type: 'keep-log'; on: boolean }
  | { id: number; type: 'take-log' };

async function main(): Promise<void> {
  const targets = JSON.parse(process.argv[2] ?? '') as ProxyTargets;
  const mongoTap = new MongoWireTap();
  const redisTap = new RedisWireTap();
  const proxies: LatencyProxy[] = [];
  const mongo = await startLatencyProxy({
    target: targets.mongo,
    rttMs: targets.rttMs,
    tap: mongoTap.tap,
    onClose: mongoTap.onClose,
  });
  proxies.push(mongo);
  const redis = await startLatencyProxy({
    target: targets.redis,
    rttMs: targets.rttMs,
    tap: redisTap.tap,
    onClose: redisTap.onClose,
  });
  proxies.push(redis);
  const stats = () => ({
    mongo: mongoTap.snapshot(),
    redis: redisTap.snapshot(),
    bytes: { mongo: { ...mongo.bytes }, redis: { ...redis.bytes } },
    connections: { mongo: mongo.connections(), redis: redis.connections() },
  });
  process.on('message', (request: ProxyRequest) => {
    const answer = (body: unknown) => process.send?.({ id: request.id, body });
    if (request.type === 'snapshot') answer(stats());
    else if (request.type === 'keep-log') {
      mongoTap.keepLog = request.on;
      redisTap.keepLog = request.on;
      answer(null);
    } else {
      answer({ mongo: mongoTap.log.splice(0), redis: redisTap.log.splice(0) });
    }
  });
  // The parent going away (even by SIGKILL) closes the channel: nothing must outlive it.
  process.on('disconnect', () => {
    void Promise.allSettled(proxies.map(proxy => proxy.close())).then(() => process.exit(0));
  });
  process.send?.({ ready: { mongo: mongo.port, redis: redis.port } });
}

main().catch((error: unknown) => {
  process.stderr.write(`proxy process failed: ${String(error)}\n`);
  process.exit(1);
});
