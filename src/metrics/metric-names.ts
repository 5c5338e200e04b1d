/**
 * Every series user-sync exposes on /metrics, in one table so dashboards and alerts have one place to
 * look. Counters end in `_total`, durations in `_seconds` (Prometheus naming conventions).
 */
export const MetricNames = {
  jobsCompleted: 'user_sync_jobs_completed_total',
  /** Jobs whose last attempt failed, or that failed with an error no retry can fix. */
  jobsFailed: 'user_sync_jobs_failed_total',
  /** Failed attempts that BullMQ will retry. */
  jobsRetried: 'user_sync_jobs_retried_total',
  jobDuration: 'user_sync_job_duration_seconds',
  ordersTouched: 'user_sync_orders_touched_per_change',
  tasksTouched: 'user_sync_tasks_touched_per_change',
  ordersRebuilt: 'user_sync_orders_rebuilt_total',
  queueJobs: 'user_sync_queue_jobs',
  deadLetterJobs: 'user_sync_dead_letter_jobs',
  /** Age of the oldest dead-letter entry, 0 when there is none: expiry (RETAIN_DEAD_LETTER_DAYS) bounds it. */
  deadLetterOldestAge: 'user_sync_dead_letter_oldest_age_seconds',
  listenerLag: 'user_sync_listener_lag_seconds',
  listenerEventsSeen: 'user_sync_listener_events_seen_total',
  listenerEventsSkipped: 'user_sync_listener_events_skipped_total',
  listenerHistoryLost: 'user_sync_listener_history_lost_total',
  listenerLeader: 'user_sync_listener_leader',
  listenerStreamOpen: 'user_sync_listener_stream_open',
  listenerStreamFailures: 'user_sync_listener_stream_failures',
  jobsEnqueued: 'user_sync_jobs_enqueued_total',
  /** Redis errors met, by the error's code (`OOM`, `MOVED`, `WRONGPASS`, `ECONNREFUSED`...). */
  redisErrors: 'user_sync_redis_errors_total',
  /** 1 for each Redis error seen within the last 30 s: what /readyz names. */
  redisErrorActive: 'user_sync_redis_error_active',
  /** SPEC §7: identity events applied, by outcome (created, updated, unchanged, stale, conflict, deleted). */
  identityOutcomes: 'user_sync_identity_events_applied_total',
  /** Webhook deliveries answered, by HTTP status and event type. */
  webhookRequests: 'user_sync_webhook_requests_total',
  webhookDuration: 'user_sync_webhook_request_duration_seconds',
} as const;

/** Prefix of Node's process metrics (CPU, memory, event loop lag, GC). */
export const PROCESS_METRICS_PREFIX = 'user_sync_';
