/**
 * The listener's series, read from its `ListenerStats` at scrape time: the stats object stays the one
 * source of truth (it also feeds the logs), and the listener needs no metrics code.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ListenerStats } from '../listener/listener-stats';
import { MetricNames } from './metric-names';

export type ListenerStatsSource = Pick<
  ListenerStats,
  | 'eventsSeen'
  | 'eventsSkipped'
  | 'jobsEnqueued'
  | 'historyLostRecoveries'
  | 'leader'
  | 'streamOpen'
  | 'streamFailures'
  | 'lastStreamFailure'
  | 'lagMs'
>;

export function instrumentListener(stats: ListenerStatsSource, registry: Registry): void {
  const registers = [registry];
  // Counters mirror running totals the stats object keeps: on each scrape, reset and add the total.
  new Counter({
    name: MetricNames.listenerEventsSeen,
    help: 'Change events the listener read from the users change stream.',
    registers,
    collect() {
      this.reset();
      this.inc(stats.eventsSeen);
    },
  });
  new Counter({
    name: MetricNames.listenerEventsSkipped,
    help: 'Change events that caused no job (unwatched change, non-owner insert) or were malformed.',
    registers,
    collect() {
      this.reset();
      this.inc(stats.eventsSkipped);
    },
  });
  new Counter({
    name: MetricNames.listenerHistoryLost,
    help: 'Times the change stream history was lost and a full resync was enqueued.',
    registers,
    collect() {
      this.reset();
      this.inc(stats.historyLostRecoveries);
    },
  });
  new Counter({
    name: MetricNames.jobsEnqueued,
    help: 'Jobs the listener enqueued, per queue.',
    labelNames: ['queue'] as const,
    registers,
    collect() {
      this.reset();
      for (const [queue, total] of Object.entries(stats.jobsEnqueued)) this.inc({ queue }, total);
    },
  });
  new Gauge({
    name: MetricNames.listenerLag,
    help: 'How far the listener trails the users collection: now minus the cluster time of the last event it enqueued, or minus when its stream last reported caught up; grows while MongoDB is away.',
    registers,
    collect() {
      this.set(stats.lagMs() / 1000);
    },
  });
  new Gauge({
    name: MetricNames.listenerLeader,
    help: '1 while this listener holds the lease and reads the change stream, 0 while it stands by.',
    registers,
    collect() {
      this.set(stats.leader ? 1 : 0);
    },
  });
  new Gauge({
    name: MetricNames.listenerStreamFailures,
    help: 'Times in a row the change stream closed before delivering a batch; 0 while it flows. Alert when it stays above 0.',
    registers,
    collect() {
      this.set(stats.streamFailures);
    },
  });
  new Gauge({
    name: MetricNames.listenerStreamOpen,
    help: '1 while the change stream is open.',
    registers,
    collect() {
      this.set(stats.streamOpen ? 1 : 0);
    },
  });
}
