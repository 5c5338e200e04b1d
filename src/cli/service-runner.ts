/**
 * How role commands run: load config -> build dependencies -> start -> SIGINT/SIGTERM -> release
 * (bull-board's bin.ts shape). Signals are handled from the first moment, so Ctrl-C during a slow boot
 * still releases whatever was already opened.
 */
import { loadConfig } from '../config/load-config';
import type { Config } from '../config/config-types';
import { handleShutdownSignals } from '../lifecycle/handle-shutdown-signals';
import { Releasers } from '../lifecycle/releasers';
import { createLogger, type Logger } from '../logging/create-logger';
import { openServiceDependencies, type ServiceDependencies } from '../roles/service-dependencies';
import { ExitCodes, type CliContext } from './cli-context';

export type RoleStarter = (deps: ServiceDependencies, releasers: Releasers) => Promise<void>;

/** Long-running roles: resolves only if startup fails; otherwise the shutdown handler exits the process. */
export async function runServiceRole(context: CliContext, role: string, start: RoleStarter): Promise<number> {
  const config = loadConfig(context.env);
  const logger = createLogger(config).child({ role });
  const releasers = new Releasers(logger);
  handleShutdownSignals({ releasers, logger, timeoutMs: config.shutdownTimeoutMs });
  try {
    await start(await openServiceDependencies(config, logger, releasers, role), releasers);
  } catch (error) {
    logger.error({ err: error }, `${role} failed to start`);
    await releasers.release().catch(() => undefined);
    return ExitCodes.failure;
  }
  return new Promise<number>(() => {});
}

/** One-shot commands (verify, resync): open, run, release, answer with the command's exit code. */
export async function withServiceDependencies(
  context: CliContext,
  role: string,
  run: (deps: ServiceDependencies, logger: Logger, config: Config) => Promise<number>,
): Promise<number> {
  const config = loadConfig(context.env);
  // One-shot commands speak to a person on stdout; their logs go to stderr at warn and above.
  const logger = createLogger({
    ...config,
    logLevel: context.env.LOG_LEVEL ? config.logLevel : 'warn',
    destination: process.stderr,
  }).child({ role });
  const releasers = new Releasers(logger);
  try {
    const deps = await openServiceDependencies(config, logger, releasers, role, { failFast: true });
    return await run(deps, logger, config);
  } finally {
    await releasers.release();
  }
}
