/** What the listener reports in its logs and on /metrics. */
import { SYNC_QUEUES, type SyncQueueName } from '../queues/queue-names';

export class ListenerStats {
  eventsSeen = 0;
  /** Events that caused no job (a non-owner insert) or were malformed and skipped. */
  eventsSkipped = 0;
  readonly jobsEnqueued = Object.fromEntries(SYNC_QUEUES.map(queue => [queue, 0])) as Record<
    SyncQueueName,
    number
  >;
  historyLostRecoveries = 0;
  leader = false;
  streamOpen = false;
  /** Times in a row the stream closed before delivering a batch; 0 once a getMore succeeds. */
  streamFailures = 0;
  /** Why it last closed, while `streamFailures` > 0. */
  lastStreamFailure: string | null = null;
  /** What keeps this listener from leading or standing by (a Redis error, say); null while it runs. */
  blockedBy: string | null = null;
  /** Cluster time (ms) of the last enqueued event; null once the stream has caught up. */
  lastEventClusterTimeMs: number | null = null;
  /**
   * When the stream last said there was nothing more to read. While MongoDB is away no event arrives and
   * none says "caught up" either: the lag keeps growing from here, which is what an operator must see.
   */
  caughtUpAtMs: number | null = null;

  /** The stream has delivered everything written so far. */
  markCaughtUp(now = Date.now()): void {
    this.lastEventClusterTimeMs = null;
    this.caughtUpAtMs = now;
  }

  /** Another listener leads: this one trails nothing. */
  standBy(): void {
    this.leader = false;
    this.lastEventClusterTimeMs = null;
    this.caughtUpAtMs = null;
  }

  /**
   * How far behind the users collection this listener is: now minus the cluster time of the last event
   * it enqueued, or minus the moment it last saw the stream caught up; 0 before it ever led.
   */
  lagMs(now = Date.now()): number {
    const upTo = this.lastEventClusterTimeMs ?? this.caughtUpAtMs;
    return upTo === null ? 0 : Math.max(0, now - upTo);
  }

  snapshot() {
    return {
      leader: this.leader,
      streamOpen: this.streamOpen,
      streamFailures: this.streamFailures,
      eventsSeen: this.eventsSeen,
      eventsSkipped: this.eventsSkipped,
      jobsEnqueued: { ...this.jobsEnqueued },
      historyLostRecoveries: this.historyLostRecoveries,
      lagMs: this.lagMs(),
    };
  }
}
