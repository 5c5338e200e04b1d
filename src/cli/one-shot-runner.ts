/**
 * How one-shot commands (verify, resync) run: open MongoDB and Redis, giving up on an unreachable one with
 * one line, run, release, answer with the command's exit code. Kept apart from the long-running roles'
 * runner so a one-shot command loads no HTTP server, dashboard or metrics code.
 */
import { loadConfig } from '../config/load-config';
import type { Config } from '../config/config-types';
import { Releasers } from '../lifecycle/releasers';
import { createLogger, type Logger } from '../logging/create-logger';
import { openOneShotDependencies, type OneShotDependencies } from '../roles/one-shot-dependencies';
import type { CliContext } from './cli-context';

/** One-shot commands (verify, resync): open, run, release, answer with the command's exit code. */
export async function withServiceDependencies(
  context: CliContext,
  role: string,
  run: (deps: OneShotDependencies, logger: Logger, config: Config) => Promise<number>,
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
    const deps = await openOneShotDependencies(config, logger, releasers, role);
    return await run(deps, logger, config);
  } finally {
    await releasers.release();
  }
}
