/**
 * Graceful shutdown on SIGINT/SIGTERM (graphile-worker's main.ts pattern): the first signal releases every
 * resource (workers finish their current job, connections close); a second signal, or SHUTDOWN_TIMEOUT_MS
 * passing, exits at once. Orchestrators send SIGTERM then SIGKILL; an operator presses Ctrl-C twice.
 *
 * One Ctrl-C often arrives more than once: the terminal signals the whole process group, and a parent in
 * that group (the `tsx` wrapper, `npx`) forwards its own copy to its child. A SIGINT within
 * `duplicateWindowMs` of a first SIGINT is that copy, not a person pressing again, so it forces nothing.
 * SIGTERM is sent to one process by one sender (an orchestrator, `kill`): a second one always forces.
 */
import type { Logger } from '../logging/create-logger';
import type { Releasers } from './releasers';

export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/** Exit codes: 0 released cleanly, 1 a release step failed or the timeout hit, 130 forced by a 2nd signal. */
export const ShutdownExitCodes = { clean: 0, failed: 1, forced: 130 } as const;

export const DUPLICATE_SIGNAL_WINDOW_MS = 1000;

export interface SignalSource {
  on(signal: ShutdownSignal, listener: () => void): unknown;
  off(signal: ShutdownSignal, listener: () => void): unknown;
}

export interface ShutdownDeps {
  releasers: Releasers;
  logger: Logger;
  timeoutMs: number;
  /** @defaultValue process */
  signals?: SignalSource;
  /** @defaultValue process.exit */
  exit?: (code: number) => void;
  /** A SIGINT this soon after a first SIGINT is the same Ctrl-C forwarded by a parent. @defaultValue 1000 */
  duplicateWindowMs?: number;
  /** @defaultValue Date.now */
  now?: () => number;
}

export interface ShutdownHandle {
  /** Starts the same graceful shutdown a signal would (a command that finished on its own). */
  shutdown(reason: string): Promise<void>;
  /** Stops listening for signals. */
  dispose(): void;
}

export function handleShutdownSignals(deps: ShutdownDeps): ShutdownHandle {
  const signals = deps.signals ?? process;
  const exitProcess = deps.exit ?? process.exit.bind(process);
  const log = deps.logger.child({ component: 'shutdown' });
  const duplicateWindowMs = deps.duplicateWindowMs ?? DUPLICATE_SIGNAL_WINDOW_MS;
  const now = deps.now ?? Date.now;
  let shuttingDown: Promise<void> | undefined;
  let firstSigintAt: number | undefined;

  const shutdown = (reason: string): Promise<void> => {
    shuttingDown ??= (async () => {
      log.info({ reason, timeoutMs: deps.timeoutMs }, 'shutting down');
      const timer = setTimeout(() => {
        log.error({ timeoutMs: deps.timeoutMs }, 'shutdown timed out, forcing exit');
        exitProcess(ShutdownExitCodes.failed);
      }, deps.timeoutMs);
      try {
        await deps.releasers.release();
        log.info('shutdown complete');
        exitProcess(ShutdownExitCodes.clean);
      } catch (error) {
        log.error({ err: error }, 'shutdown finished with errors');
        exitProcess(ShutdownExitCodes.failed);
      } finally {
        clearTimeout(timer);
        dispose();
      }
    })();
    return shuttingDown;
  };

  const onSignal: Record<ShutdownSignal, () => void> = {
    SIGINT: () => onAnySignal('SIGINT'),
    SIGTERM: () => onAnySignal('SIGTERM'),
  };
  function onAnySignal(signal: ShutdownSignal) {
    if (shuttingDown === undefined) {
      if (signal === 'SIGINT') firstSigintAt = now();
      void shutdown(signal);
      return;
    }
    if (signal === 'SIGINT' && firstSigintAt !== undefined && now() - firstSigintAt < duplicateWindowMs) {
      log.debug({ signal }, 'the same signal again (forwarded by a parent process); still shutting down');
      return;
    }
    log.warn({ signal }, 'second signal, forcing exit');
    exitProcess(ShutdownExitCodes.forced);
  }
  function dispose() {
    for (const signal of SHUTDOWN_SIGNALS) signals.off(signal, onSignal[signal]);
  }
  for (const signal of SHUTDOWN_SIGNALS) signals.on(signal, onSignal[signal]);

  return { shutdown, dispose };
}
