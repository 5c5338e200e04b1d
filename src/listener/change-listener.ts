/**
 * `user-sync listener`: the only piece that sees changes (of users, and of the documents that reference
 * them: SPEC §2b), so it must never lose one. It leads only
 * while it holds the lease; it enqueues an event's jobs before its token may be checkpointed; it resumes
 * after the checkpoint on restart and after its own last enqueued event on stream errors.
 */
import { userSyncCommand } from '../cli/invocation';
import type { ChangeStream, Db, Document } from 'mongodb';
import type { RedisClient } from '../redis/create-redis-connection';
import type { Logger } from 'pino';
import { isCluster, reconnectDelay } from '../redis/create-redis-connection';
import type { QueueProvider } from '../worker/run-sync-job';
import { CheckpointStore, isFencedOut } from './checkpoint-store';
import { enqueueBatchJobs, groupRoutedJobs, type BatchJob } from './enqueue-routed-jobs';
import { LeaderLease } from './leader-lease';
import { ListenerStats } from './listener-stats';
import { MalformedChangeEventError, routeChange, type RoutedJob } from './route-change';
import { isHistoryLostError } from './stream-errors';
import { watchPipeline, type WatchScope } from './watch-pipeline';
import { FaultPointNames, reachFaultPoint } from '../testing/fault-points';
import type { RedisHealth } from '../redis/redis-health';
import { describeRedisError } from '../errors/redis-error';
import { RepeatingErrorLog } from '../logging/repeating-error-log';

/** Events taken from the driver's buffer at once; a getMore returns at most a few thousand. */
const MAX_EVENTS_PER_BATCH = 5000;

export interface ChangeListenerOptions {
  /**
   * Watched with one database-level stream, filtered on the server to the scope's collections (see
   * README, "One stream for five collections"): one oplog scan, one resume token, one leader.
   */
  database: Db;
  scope: WatchScope;
  queues: QueueProvider;
  redis: RedisClient;
  queuePrefix: string;
  logger: Logger;
  /** Told of the Redis errors the listener meets (for /readyz, /metrics and the logs). */
  redisHealth?: Pick<RedisHealth, 'report' | 'writesWork'>;
  /** Enqueues a full resync; called after history was lost. */
  resyncAll: () => Promise<void>;
  /** @defaultValue 5000 */
  leaseTtlMs?: number;
  /** Checkpoint after this many events… @defaultValue 100 */
  checkpointEveryEvents?: number;
  /** …or this often. @defaultValue 1000 */
  checkpointEveryMs?: number;
  /** How long one getMore waits for events. @defaultValue 1000 */
  maxAwaitTimeMS?: number;
  /** How often the active listener logs its counters and lag. @defaultValue 60000 */
  statsEveryMs?: number;
}

export class ChangeListener {
  readonly stats = new ListenerStats();
  private readonly lease: LeaderLease;
  private readonly checkpoints: CheckpointStore;
  private readonly log: Logger;
  private stopping = false;
  private running: Promise<void> | undefined;
  private stream: ChangeStream | undefined;
  /** Token of the last event whose jobs are enqueued: where a reopened stream continues. */
  private resumeToken: Document | undefined;
  private resyncPending = false;
  /** Set when the Redis connection dropped: see `redisMayHaveLostWrites`. */
  private redisInterrupted = false;
  private wake: (() => void) | undefined;
  private readonly repeating: RepeatingErrorLog;

  constructor(private readonly options: ChangeListenerOptions) {
    this.log = options.logger.child({ component: 'change-listener' });
    this.repeating = new RepeatingErrorLog(this.log);
    this.lease = new LeaderLease(options.redis, {
      key: `${options.queuePrefix}:listener:leader`,
      ttlMs: options.leaseTtlMs,
    });
    this.checkpoints = new CheckpointStore(options.redis, `${options.queuePrefix}:listener:checkpoint`);
    options.redis.on('close', () => {
      this.redisInterrupted = true;
    });
    // A cluster stays "ready" while one of its masters dies and a replica takes over, having perhaps
    // missed the dead master's last writes: a node leaving the cluster's pool is such an interruption.
    if (isCluster(options.redis))
      options.redis.on('-node', () => {
        this.redisInterrupted = true;
      });
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Stops reading, flushes the checkpoint, releases the lease. Idempotent. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.stream?.close().catch(() => undefined);
    await this.running;
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.stopping;) {
      try {
        const acquired = await this.lease.tryAcquire();
        this.stats.blockedBy = null;
        if (acquired) this.options.redisHealth?.writesWork();
        if (!acquired) {
          if (failures === 0) this.log.debug('another listener holds the lease; standing by');
          this.stats.standBy();
          await this.pause(this.lease.renewEveryMs);
          continue;
        }
        this.stats.leader = true;
        this.log.info({ holder: this.lease.holderId }, 'became the active listener');
        await this.leadWhileHoldingLease();
        failures = 0;
      } catch (error) {
        failures += 1;
        const delayMs = reconnectDelay(failures, 10_000);
        if (this.options.redisHealth?.report(error, 'listener')) {
          this.stats.blockedBy = `Redis error: ${describeRedisError(error)}`;
        } else {
          const message = error instanceof Error ? error.message : String(error);
          this.repeating.log('error', message, { err: error, delayMs }, 'listener failed; retrying');
        }
        await this.pause(delayMs);
      } finally {
        if (this.stats.leader) await this.lease.release().catch(() => undefined);
        this.stats.leader = false;
      }
    }
  }

  private async leadWhileHoldingLease(): Promise<void> {
    let leaseLost = false;
    const renewal = setInterval(() => {
      this.lease.renew().then(
        held => {
          if (held) return;
          leaseLost = true;
          this.log.warn('lost the listener lease; standing by');
          void this.stream?.close().catch(() => undefined);
        },
        // Redis unreachable: the fenced checkpoint write decides; keep going until it does.
        error => {
          if (this.options.redisHealth?.report(error, 'listener lease')) return;
          this.repeating.log('warn', 'lease', { err: error }, 'could not renew the listener lease');
        },
      );
    }, this.lease.renewEveryMs);
    const statsLog = setInterval(
      () => this.log.info(this.stats.snapshot(), 'listener stats'),
      this.options.statsEveryMs ?? 60_000,
    );
    try {
      while (!this.stopping && !leaseLost) await this.streamOnce();
    } finally {
      clearInterval(renewal);
      clearInterval(statsLog);
      this.log.info(this.stats.snapshot(), 'listener stats');
    }
  }

  /** One change stream's life: open, drain into queues, checkpoint, close. Returns to be reopened. */
  private async streamOnce(): Promise<void> {
    const saved =
      this.resumeToken === undefined && !this.resyncPending ? await this.checkpoints.load() : null;
    const startAfter = this.resumeToken ?? saved?.resumeToken;
    if (startAfter === undefined) {
      this.log.warn(
        `no checkpoint: starting from now (run \`${userSyncCommand('resync --all')}\` to backfill earlier changes)`,
      );
    }
    const stream = this.options.database.watch(watchPipeline(this.options.scope), {
      fullDocument: 'updateLookup',
      maxAwaitTimeMS: this.options.maxAwaitTimeMS ?? 1000,
      ...(startAfter === undefined ? {} : { startAfter }),
    });
    this.stream = stream;
    let sinceSave = 0;
    let lastSave = Date.now();
    let latest: Document | undefined = startAfter;
    try {
      while (!this.stopping && !stream.closed) {
        const event = await stream.tryNext();
        if (!this.stats.streamOpen) this.reportStreamOpen(startAfter !== undefined);
        if (this.redisMayHaveLostWrites()) {
          latest = undefined;
          return;
        }
        if (this.resyncPending) await this.resyncAfterLostHistory();
        if (event === null) {
          this.stats.markCaughtUp();
          latest = stream.resumeToken ?? latest;
        } else {
          // What the driver already holds is this batch: take it all now, never wait to fill a batch.
          const events = [event];
          while (stream.bufferedCount() > 0 && events.length < MAX_EVENTS_PER_BATCH) {
            const next = await stream.tryNext();
            if (next === null) break;
            events.push(next);
          }
          await this.enqueueEvents(events);
          latest = events[events.length - 1]._id as Document;
          this.resumeToken = latest;
          sinceSave += events.length;
        }
        if (
          latest !== undefined &&
          (sinceSave >= (this.options.checkpointEveryEvents ?? 100) ||
            Date.now() - lastSave >= (this.options.checkpointEveryMs ?? 1000))
        ) {
          await this.saveCheckpoint(latest);
          sinceSave = 0;
          lastSave = Date.now();
        }
      }
    } catch (error) {
      if (stream.closed && !isHistoryLostError(error)) {
        // Closed under us (stop, lost lease, or the driver gave up): reopen from the last enqueued event.
        if (!this.stopping) await this.backOffAfterStreamFailure(error);
        return;
      }
      if (!isHistoryLostError(error)) throw error;
      this.stats.historyLostRecoveries += 1;
      this.log.error(
        { err: error },
        'change stream history lost: starting from now and enqueuing a full resync',
      );
      this.resumeToken = undefined;
      this.resyncPending = true;
      latest = undefined;
    } finally {
      this.stats.streamOpen = false;
      this.stream = undefined;
      await stream.close().catch(() => undefined);
      if (latest !== undefined && !this.resyncPending)
        await this.saveCheckpoint(latest).catch(error =>
          this.log.warn({ err: error }, 'final checkpoint not written'),
        );
    }
  }

  private reportStreamOpen(resumed: boolean): void {
    const failures = this.stats.streamFailures;
    if (failures === 0) this.log.info({ resumed }, 'change stream open');
    else this.log.info({ resumed, failures }, 'change stream open again');
    this.stats.streamOpen = true;
    this.stats.streamFailures = 0;
    this.stats.lastStreamFailure = null;
  }

  /**
   * A stream that keeps closing (a server that accepts the open and fails every getMore) must not spin:
   * each reopen waits longer, up to 10 s, and the operator reads one line when it starts and one when it
   * is open again, plus the failure count on /readyz and /metrics in between.
   */
  private async backOffAfterStreamFailure(error: unknown): Promise<void> {
    this.stats.streamFailures += 1;
    this.stats.lastStreamFailure = error instanceof Error ? error.message : String(error);
    if (this.stats.streamFailures === 1)
      this.log.warn({ err: error }, 'change stream closed; reopening (with backoff while it keeps closing)');
    await this.pause(reconnectDelay(this.stats.streamFailures, 10_000));
  }

  /**
   * A Redis that restarted may have lost its last writes (AOF fsyncs once a second): jobs this process
   * enqueued, and the checkpoint after them. The checkpoint is written after its jobs, so the stored one is
   * never ahead of the jobs that survived: resuming from it re-enqueues whatever was lost, and the
   * event-derived job ids make the re-add of surviving jobs a no-op.
   */
  private redisMayHaveLostWrites(): boolean {
    if (!this.redisInterrupted || this.options.redis.status !== 'ready') return false;
    this.redisInterrupted = false;
    this.resumeToken = undefined;
    this.log.warn('Redis connection was interrupted; resuming from the stored checkpoint');
    return true;
  }

  /** Routes a change-stream batch and enqueues its jobs; returns once they are all in Redis. */
  private async enqueueEvents(events: readonly Document[]): Promise<void> {
    this.stats.eventsSeen += events.length;
    const routed: RoutedJob[] = [];
    for (const event of events) {
      let jobs;
      try {
        jobs = routeChange(event, this.options.scope.collections);
      } catch (error) {
        if (!(error instanceof MalformedChangeEventError)) throw error;
        this.stats.eventsSkipped += 1;
        this.log.warn({ err: error, token: event._id }, 'malformed change event skipped');
        continue;
      }
      if (jobs.length === 0) this.stats.eventsSkipped += 1;
      routed.push(...jobs);
    }
    const batches = groupRoutedJobs(routed);
    await reachFaultPoint(FaultPointNames.listenerBeforeEnqueue);
    if (batches.length > 0) await this.enqueueUntilAccepted(batches);
    const time = events[events.length - 1].clusterTime as { t?: number; high?: number } | undefined;
    this.stats.lastEventClusterTimeMs = (time?.t ?? time?.high ?? 0) * 1000;
  }

  /** Redis away: hold the batch (and the stream) until it is back; nothing after it is read. */
  private async enqueueUntilAccepted(batches: readonly BatchJob[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await enqueueBatchJobs(this.options.queues, batches);
        if (attempt > 1) {
          this.log.info({ attempts: attempt }, 'enqueueing works again');
          this.options.redisHealth?.writesWork();
        }
        break;
      } catch (error) {
        if (this.stopping) throw error;
        const delayMs = reconnectDelay(attempt, 5000);
        this.options.redisHealth?.report(error, 'listener enqueue');
        if (attempt === 1) this.log.warn({ err: error }, 'could not enqueue; retrying until Redis takes it');
        await this.pause(delayMs);
      }
    }
    for (const batch of batches) this.stats.jobsEnqueued[batch.queue] += 1;
    this.log.debug({ jobs: batches.map(batch => batch.jobId) }, 'changes enqueued');
  }

  private async resyncAfterLostHistory(): Promise<void> {
    // The new stream is open from "now" before the resync reads users, so no change falls in between.
    await this.options.resyncAll();
    this.resyncPending = false;
    this.log.info('full resync enqueued after lost history');
  }

  private async saveCheckpoint(resumeToken: Document): Promise<void> {
    try {
      await this.checkpoints.save(
        { resumeToken, clusterTimeMs: this.stats.lastEventClusterTimeMs },
        this.lease,
      );
    } catch (error) {
      if (isFencedOut(error)) await this.stream?.close().catch(() => undefined);
      throw error;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
