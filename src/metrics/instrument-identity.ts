/**
 * SPEC §7: every outcome of an identity event is counted, email conflicts included (those fail the job
 * and go to dead-letter, so they are read from the failure, by the error's name).
 */
import { Counter, type Registry } from 'prom-client';
import type { Job } from 'bullmq';
import { isNamed } from '../errors/error-shape';
import { IDENTITY_OUTCOMES, type IdentityResult } from '../identity/apply-identity-event';
import { QueueNames } from '../queues/queue-names';
import type { InstrumentedWorker } from './instrument-worker-pool';
import { MetricNames } from './metric-names';

export function instrumentIdentity(workers: readonly InstrumentedWorker[], registry: Registry): () => void {
  const worker = workers.find(candidate => candidate.name === QueueNames.identitySync);
  if (worker === undefined) return () => {};
  const outcomes = new Counter({
    name: MetricNames.identityOutcomes,
    help: 'Identity-provider events applied to the users collection, per outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const outcome of IDENTITY_OUTCOMES) outcomes.inc({ outcome }, 0);
  const onCompleted = (_job: Job, result: unknown) => {
    const outcome = (result as Partial<IdentityResult> | undefined)?.outcome;
    if (outcome !== undefined) outcomes.inc({ outcome });
  };
  const onFailed = (_job: Job | undefined, error: Error) => {
    if (isNamed(error, 'EmailConflictError')) outcomes.inc({ outcome: 'conflict' });
  };
  worker.on('completed', onCompleted);
  worker.on('failed', onFailed);
  return () => {
    worker.off('completed', onCompleted);
    worker.off('failed', onFailed);
  };
}
