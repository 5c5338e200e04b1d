/**
 * The HTTP side of every long-running role: /healthz, /readyz and /metrics on HOST:PORT, plus the
 * dashboard where asked for. One call after the role started:
 *
 *   worker:    await startProbeServer({ role: 'worker', deps, releasers, workers: pool.workers });
 *   listener:  await startProbeServer({ role: 'listener', deps, releasers, listener });
 *   dashboard: await startProbeServer({ role: 'dashboard', deps, releasers, dashboard: true });
 *
 * It registers its own release: once shutdown begins, /readyz answers 503 and the server stops
 * accepting connections, while the role behind it drains.
 */
import type { Queue } from 'bullmq';
import type { Config } from '../config/config-types';
import type { Releasers } from '../lifecycle/releasers';
import type { Logger } from '../logging/create-logger';
import { createMetricsRegistry } from '../metrics/create-metrics-registry';
import { instrumentListener, type ListenerStatsSource } from '../metrics/instrument-listener';
import { instrumentQueues } from '../metrics/instrument-queues';
import { instrumentWorkerPool, type InstrumentedWorker } from '../metrics/instrument-worker-pool';
import type { QueueName } from '../queues/queue-names';
import type { RouteContext } from '../routes';
import { basicAuth } from './basic-auth';
import { createDashboardRouter } from './create-dashboard-router';
import { createHttpApp } from './create-http-app';
import { DashboardRefused, dashboardAccess } from './dashboard-credentials';
import {
  changeStreamProbe,
  mongoProbe,
  redisProbe,
  type Pingable,
  type ReadinessProbe,
} from './readiness-probe';
import { startHttpServer } from './start-http-server';
import type { Registry } from 'prom-client';

/** What the server needs of `openServiceDependencies()`'s result (which satisfies it as is). */
export interface ProbeServerDeps {
  config: Pick<Config, 'host' | 'port' | 'dashboard'>;
  logger: Logger;
  mongo: { db: Pingable };
  redis: { ping(): Promise<string> };
  queues: { get(name: QueueName): Queue };
}

export interface ProbeServerOptions {
  /** Label on every series (`role="worker"`) and in logs. */
  role: string;
  deps: ProbeServerDeps;
  releasers: Releasers;
  /** The worker pool's BullMQ workers (`pool.workers`): job series on /metrics. */
  workers?: readonly InstrumentedWorker[];
  /** The running listener (or anything with its `stats`): listener series, and /readyz waits for its stream. */
  listener?: { stats: ListenerStatsSource };
  /** Serve Bull Board at / behind credentials. Throws `DashboardRefused` when there are none. */
  dashboard?: boolean;
  /** @defaultValue deps.config.port */
  port?: number;
}

export interface ProbeServer {
  url: string;
  port: number;
  registry: Registry;
}

export async function startProbeServer(options: ProbeServerOptions): Promise<ProbeServer> {
  const { deps, releasers, role } = options;
  const logger = deps.logger.child({ role, component: 'http' });
  const access = options.dashboard ? dashboardAccess(deps.config) : undefined;
  if (access?.mode === 'refused') throw new DashboardRefused(access.problem);

  const registry = createMetricsRegistry({ defaultLabels: { role } });
  instrumentQueues({ queues: deps.queues, registry, logger });
  const detachWorkers = options.workers ? instrumentWorkerPool(options.workers, registry) : () => {};
  if (options.listener) instrumentListener(options.listener.stats, registry);

  const probes: ReadinessProbe[] = [mongoProbe(deps.mongo.db), redisProbe(deps.redis)];
  if (options.listener) probes.push(changeStreamProbe(options.listener.stats));
  let draining = false;
  const context: RouteContext = { probes, registry, draining: () => draining };

  const app = createHttpApp({
    context,
    logger,
    dashboard:
      access === undefined
        ? undefined
        : {
            router: createDashboardRouter({ queues: deps.queues, readOnly: deps.config.dashboard.readOnly }),
            auth: access.mode === 'basic' ? basicAuth(access) : undefined,
          },
  });
  const server = await startHttpServer(app, {
    host: deps.config.host,
    port: options.port ?? deps.config.port,
  });
  releasers.add('http', async () => {
    draining = true;
    detachWorkers();
    await server.close();
  });
  logger.info(
    { url: server.url, dashboard: access?.mode ?? 'not served', readOnly: deps.config.dashboard.readOnly },
    'HTTP server listening (/healthz, /readyz, /metrics)',
  );
  return { url: server.url, port: server.port, registry };
}
