/**
 * The HTTP side of every long-running role: /healthz, /readyz and /metrics on HOST:PORT, plus the
 * dashboard where asked for. It opens before the role's servers answer, so that a role waiting for
 * MongoDB or Redis already says which one on /readyz (SPEC §6), and is attached to the role once it runs:
 *
 *   const http = await openProbeServer({ role: 'worker', config, logger, releasers, booting: status });
 *   ... wait for the servers, start the role ...
 *   http.attach({ deps, workers: pool.workers });        // or { deps, listener }, or { deps }
 *
 * `startProbeServer` does both at once, for a role whose servers are already there. It registers its own
 * release: once shutdown begins, /readyz answers 503 and the server stops accepting connections, while
 * the role behind it drains.
 */
import type { Queue } from 'bullmq';
import type { RequestHandler } from 'express';
import type { Config } from '../config/config-types';
import type { Releasers } from '../lifecycle/releasers';
import type { Logger } from '../logging/create-logger';
import { createMetricsRegistry } from '../metrics/create-metrics-registry';
import { instrumentListener, type ListenerStatsSource } from '../metrics/instrument-listener';
import { instrumentQueues } from '../metrics/instrument-queues';
import { instrumentWorkerPool, type InstrumentedWorker } from '../metrics/instrument-worker-pool';
import { deploymentQueues, type QueueName } from '../queues/queue-names';
import { instrumentIdentity } from '../metrics/instrument-identity';
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
import type { RedisHealth } from '../redis/redis-health';
import { instrumentRedisHealth } from '../metrics/instrument-redis-health';

/** What the server needs of `openServiceDependencies()`'s result (which satisfies it as is). */
export interface ProbeServerDeps {
  /** `identity`: whether identity-sync is one of the queues shown and measured. */
  config: Pick<Config, 'host' | 'port' | 'dashboard'> & Partial<Pick<Config, 'identity'>>;
  logger: Logger;
  mongo: { db: Pingable };
  redis: { ping(): Promise<string> };
  redisHealth?: RedisHealth;
  queues: { get(name: QueueName): Queue };
}

export interface OpenProbeServerOptions {
  /** Label on every series (`role="worker"`) and in logs. */
  role: string;
  config: Pick<Config, 'host' | 'port' | 'dashboard'>;
  logger: Logger;
  releasers: Releasers;
  /** Serve Bull Board at / behind credentials. Throws `DashboardRefused` when there are none. */
  dashboard?: boolean;
  /** @defaultValue config.port */
  port?: number;
  /**
   * What /readyz reports until `attach`: the servers the role still waits for; `summary` is what the
   * dashboard answers meanwhile ("waiting for Redis").
   */
  booting?: { probes(): ReadinessProbe[]; summary?(): string };
}

export interface ProbeServerParts {
  deps: ProbeServerDeps;
  /** The worker pool's BullMQ workers (`pool.workers`): job series on /metrics. */
  workers?: readonly InstrumentedWorker[];
  /** The running listener (or anything with its `stats`): listener series, and /readyz waits for its stream. */
  listener?: { stats: ListenerStatsSource };
}

export interface ProbeServerOptions extends ProbeServerParts {
  role: string;
  deps: ProbeServerDeps;
  releasers: Releasers;
  dashboard?: boolean;
  /** @defaultValue deps.config.port */
  port?: number;
}

export interface ProbeServer {
  url: string;
  port: number;
  registry: Registry;
  /** The role runs: /readyz pings its servers, /metrics and the dashboard read its queues. Once. */
  attach(parts: ProbeServerParts): void;
}

/** Before `attach`, /readyz fails on this, whatever the servers say: the role itself is not running yet. */
const starting: ReadinessProbe = {
  name: 'startup',
  check: () => Promise.reject(new Error('starting')),
};

export async function openProbeServer(options: OpenProbeServerOptions): Promise<ProbeServer> {
  const { config, releasers, role } = options;
  // The role is the logger's already (every runner names it): a second `role` key would repeat it.
  const logger = options.logger.child({ component: 'http' });
  const access = options.dashboard ? dashboardAccess(config) : undefined;
  if (access?.mode === 'refused') throw new DashboardRefused(access.problem);

  const registry = createMetricsRegistry({ defaultLabels: { role } });
  let probes: readonly ReadinessProbe[] = [...(options.booting?.probes() ?? []), starting];
  let draining = false;
  const context: RouteContext = {
    get probes() {
      return probes;
    },
    registry,
    draining: () => draining,
  };
  let board: RequestHandler | undefined;
  // Named from what the role knows is down: "MongoDB and Redis" when only one is would send an operator
  // after a server that is fine.
  const waitingFor = () => options.booting?.summary?.() ?? 'waiting for its servers';
  const app = createHttpApp({
    context,
    logger,
    dashboard:
      access === undefined
        ? undefined
        : {
            router: (req, res, next) => {
              if (board !== undefined) board(req, res, next);
              else res.status(503).json({ error: `starting: ${waitingFor()} (see /readyz)` });
            },
            auth: access.mode === 'basic' ? basicAuth(access) : undefined,
          },
  });
  const server = await startHttpServer(app, { host: config.host, port: options.port ?? config.port });
  releasers.add('http', () => server.close());
  logger.info({ url: server.url }, 'HTTP server listening (/healthz, /readyz, /metrics)');

  let attached = false;
  return {
    url: server.url,
    port: server.port,
    registry,
    attach({ deps, workers, listener }) {
      if (attached) throw new Error('probe server already attached to its role');
      attached = true;
      const queueNames = deploymentQueues(deps.config.identity?.enabled ?? false);
      instrumentQueues({ queues: deps.queues, registry, logger, queueNames });
      const detachWorkers = workers ? instrumentWorkerPool(workers, registry) : () => {};
      const detachIdentity = workers ? instrumentIdentity(workers, registry) : () => {};
      if (listener) instrumentListener(listener.stats, registry);
      if (deps.redisHealth) instrumentRedisHealth(deps.redisHealth, registry);
      probes = [
        mongoProbe(deps.mongo.db),
        redisProbe(deps.redis, deps.redisHealth),
        ...(listener ? [changeStreamProbe(listener.stats)] : []),
      ];
      if (access !== undefined)
        board = createDashboardRouter({
          queues: deps.queues,
          readOnly: config.dashboard.readOnly,
          queueNames,
        });
      logger.info(
        { url: server.url, dashboard: access?.mode ?? 'not served', readOnly: config.dashboard.readOnly },
        'role running: /readyz checks its servers',
      );
      // Registered after the role's own resources, so it runs first: /readyz turns 503 before they drain.
      releasers.add('http', async () => {
        draining = true;
        detachWorkers();
        detachIdentity();
        await server.close();
      });
    },
  };
}

/** Opens and attaches at once, for a role whose servers already answer. */
export async function startProbeServer(options: ProbeServerOptions): Promise<ProbeServer> {
  const server = await openProbeServer({
    role: options.role,
    config: options.deps.config,
    logger: options.deps.logger,
    releasers: options.releasers,
    dashboard: options.dashboard,
    port: options.port,
  });
  server.attach(options);
  return server;
}
