/** SPEC §6: /metrics names the Redis error itself, as /readyz does. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RedisHealth } from '../redis/redis-health';
import { MetricNames } from './metric-names';

export function instrumentRedisHealth(health: RedisHealth, registry: Registry): void {
  new Counter({
    name: MetricNames.redisErrors,
    help: 'Redis errors this process met, by error code (OOM, MOVED, READONLY, WRONGPASS, ECONNREFUSED...).',
    labelNames: ['error'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [error, count] of health.counts()) this.inc({ error }, count);
    },
  });
  new Gauge({
    name: MetricNames.redisErrorActive,
    help: 'Redis errors seen within the last 30 s (1 each), the ones /readyz names.',
    labelNames: ['error'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const seen of health.current()) this.set({ error: seen.code }, 1);
    },
  });
}
