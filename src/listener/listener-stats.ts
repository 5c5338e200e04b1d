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
  /** Cluster time (ms) of the last enqueued event; null once the stream has caught up. */
  lastEventClusterTimeMs: number | null = null;

  /** now - clusterTime of the last enqueued event while behind; 0 when caught up. */
  lagMs(now = Date.now()): number {
    return this.lastEventClusterTimeMs === null ? 0 : Math.max(0, now - this.lastEventClusterTimeMs);
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
