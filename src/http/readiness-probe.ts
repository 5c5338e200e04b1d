/**
 * The checks behind /readyz: each names what it checks and throws when that is not ready. Each check is
 * bounded in time, so a hung dependency makes the process unready instead of hanging the probe.
 */
import { withTimeout } from './with-timeout';

export interface ReadinessProbe {
  /** Reported in the /readyz body: `mongodb`, `redis`, `change-stream`, ... */
  name: string;
  /** Resolves when ready; rejects with the reason otherwise. */
  check(): Promise<void>;
}

/** @defaultValue for every probe built here */
export const PROBE_TIMEOUT_MS = 2000;

export interface Pingable {
  command(command: { ping: 1 }): Promise<unknown>;
}

/** MongoDB answers `{ping: 1}`. */
export function mongoProbe(db: Pingable, timeoutMs = PROBE_TIMEOUT_MS): ReadinessProbe {
  return {
    name: 'mongodb',
    check: async () => void (await withTimeout(db.command({ ping: 1 }), timeoutMs, 'MongoDB ping')),
  };
}

/**
 * Redis answers PING with PONG, and none of the process's commands met a Redis error lately: a full
 * Redis or a moved slot answers PING while every write fails, so the error itself is what /readyz shows.
 */
export function redisProbe(
  redis: { ping(): Promise<string> },
  health?: { check(): void },
  timeoutMs = PROBE_TIMEOUT_MS,
): ReadinessProbe {
  return {
    name: 'redis',
    check: async () => {
      let answer: string;
      try {
        answer = await withTimeout(redis.ping(), timeoutMs, 'Redis PING');
      } catch (error) {
        // A PING that times out says nothing of why: the connection's own error does (ECONNREFUSED...).
        health?.check();
        throw error;
      }
      if (answer !== 'PONG') throw new Error(`Redis answered ${JSON.stringify(answer)} to PING`);
      health?.check();
    },
  };
}

/**
 * The listener's change stream is open (SPEC §3: ready "where a listener runs, once its change stream is
 * open"). A standby listener, waiting for the lease, therefore reports not ready, saying so: orchestrators
 * should gate listener rollouts on /healthz, not /readyz (docs/kubernetes.md).
 */
export function changeStreamProbe(stats: {
  leader: boolean;
  streamOpen: boolean;
  streamFailures: number;
  lastStreamFailure: string | null;
  blockedBy?: string | null;
}): ReadinessProbe {
  return {
    name: 'change-stream',
    check: async () => {
      if (stats.streamOpen) return;
      // What stops this listener from leading or standing by is the cause, not "standing by".
      if (stats.blockedBy) throw new Error(`the listener cannot run: ${stats.blockedBy}`);
      if (stats.leader && stats.streamFailures > 0)
        throw new Error(
          `this listener leads but its change stream keeps closing (${stats.streamFailures} times in a row): ${stats.lastStreamFailure ?? 'unknown reason'}`,
        );
      throw new Error(
        stats.leader
          ? 'this listener leads but its change stream is not open yet'
          : 'standing by: another listener holds the lease (or this one is starting)',
      );
    },
  };
}
