/**
 * A SyncJobContext for running a processor directly, without Redis: follow-up jobs are collected, and a
 * rejected subject fails the run (these tests use valid data, so a rejection is a bug worth seeing).
 */
import pino from 'pino';
import type { FollowUpJob, SyncCollections, SyncJobContext } from '../../src/sync/sync-job-context';

export function directJobContext(
  collections: SyncCollections,
  followUps: FollowUpJob[] = [],
): SyncJobContext {
  return {
    collections,
    jobId: 'direct',
    logger: pino({ level: 'silent' }),
    reportProgress: async () => {},
    enqueue: async (_queue, jobs) => void followUps.push(...jobs),
    rejectSubject: async (_subject, _data, error) => {
      throw error;
    },
  };
}
