/**
 * How role commands run: load config -> build dependencies -> start -> SIGINT/SIGTERM -> release
 * (bull-board's bin.ts shape). Signals are handled from the first moment, so Ctrl-C during a slow boot
 * still releases whatever was already opened.
 */
import { loadConfig } from '../config/load-config';
import { handleShutdownSignals } from '../lifecycle/handle-shutdown-signals';
import { Releasers } from '../lifecycle/releasers';
import { createLogger } from '../logging/create-logger';
import { openProbeServer, type ProbeServer } from '../http/start-probe-server';
import { DependencyStatus } from '../roles/dependency-status';
import { openServiceDependencies, type ServiceDependencies } from '../roles/service-dependencies';
import { ExitCodes, type CliContext } from './cli-context';

/** Starts the role once its servers answer; attaches `http` to it, so /readyz and /metrics see it. */
export type RoleStarter = (
  deps: ServiceDependencies,
  releasers: Releasers,
  http: ProbeServer,
) => Promise<void>;

/**
 * Long-running roles: resolves only if startup fails; otherwise the shutdown handler exits the process.
 * The HTTP server opens first, so while the role waits for MongoDB or Redis, /readyz says which.
 */
export async function runServiceRole(
  context: CliContext,
  role: string,
  start: RoleStarter,
  { dashboard = false }: { dashboard?: boolean } = {},
): Promise<number> {
  const config = loadConfig(context.env);
  const logger = createLogger(config).child({ role });
  const releasers = new Releasers(logger);
  handleShutdownSignals({ releasers, logger, timeoutMs: config.shutdownTimeoutMs });
  try {
    const status = new DependencyStatus();
    const http = await openProbeServer({ role, config, logger, releasers, dashboard, booting: status });
    const deps = await openServiceDependencies(config, logger, releasers, role, { status });
    await start(deps, releasers, http);
  } catch (error) {
    logger.error({ err: error }, `${role} failed to start`);
    await releasers.release().catch(() => undefined);
    return ExitCodes.failure;
  }
  return new Promise<number>(() => {});
}
