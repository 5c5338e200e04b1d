/**
 * Deliberate bugs, each breaking one behaviour users rely on, with the tests that must catch it. A mutant
 * is one exact text replacement in one file (the text must occur exactly once, so a refactor that moves it
 * makes the run fail loudly instead of silently testing nothing).
 */
export interface Mutant {
  name: string;
  /** What a user would lose if this bug shipped. */
  breaks: string;
  file: string;
  find: string;
  replace: string;
  /** Test files (paths or jest patterns) that must fail with the mutant in place. */
  tests: string[];
}

export const MUTANTS: Mutant[] = [
  {
    name: 'checkpoint-before-enqueue',
    breaks: 'at-least-once: a crash between checkpoint and enqueue loses the change',
    file: 'src/listener/change-listener.ts',
    find: '          await this.enqueueEvents(events);',
    replace:
      '          await this.saveCheckpoint(events[events.length - 1]._id as Document);\n          await this.enqueueEvents(events);',
    tests: ['test/integration/guarantees/listener-guarantees.test.ts'],
  },
  {
    name: 'settle-without-reread',
    breaks: 'no stale write when two runs overlap',
    file: 'src/sync/settle.ts',
    find: '    const current = await readSources(pending);',
    replace:
      '    if (round > 0) return { results, sources };\n    const current = await readSources(pending);',
    tests: ['test/integration/guarantees/overlapping-runs.test.ts'],
  },
  {
    name: 'rebuild-cas-ignores-array',
    breaks: 'no lost update when an in-place update and a rebuild race',
    file: 'src/sync/rebuild-orders.ts',
    find: "    'metadata.responsible':\n      order.metadata?.responsible === undefined ? { $exists: false } : order.metadata.responsible,\n",
    replace: '',
    tests: ['test/integration/guarantees/overlapping-runs.test.ts'],
  },
  {
    name: 'lease-renew-always-held',
    breaks: 'one active listener: a leader that lost its lease keeps streaming',
    file: 'src/listener/leader-lease.ts',
    find: '    return (await this.redis.eval(RENEW, 1, this.key, this.holderId, this.ttlMs)) === 1;',
    replace: '    await this.redis.eval(RENEW, 1, this.key, this.holderId, this.ttlMs);\n    return true;',
    tests: ['test/integration/guarantees/listener-guarantees.test.ts'],
  },
  {
    name: 'filter-ignores-removed-fields',
    breaks: 'removing a phone propagates',
    file: 'src/listener/watch-pipeline.ts',
    find: "    { $ifNull: ['$updateDescription.removedFields', []] },",
    replace: '    [],',
    tests: ['test/integration/listener/listener.test.ts'],
  },
  {
    name: 'no-rebuild-on-delete',
    breaks: 'a deleted user leaves every responsible array',
    file: 'src/listener/route-change.ts',
    find: "    case 'delete':\n      return [QueueNames.responsibleRebuild];",
    replace: "    case 'delete':\n      return [];",
    tests: ['test/unit/listener/route-change.test.ts'],
  },
  {
    name: 'phone-undefined',
    breaks: "UserMeta(U).phone is '' for a user without a phone",
    file: 'src/sync/user-meta.ts',
    find: "    phone: user.phone ?? '',\n    image: user.image ?? null,",
    replace: '    phone: user.phone as string,\n    image: user.image ?? null,',
    tests: ['test/unit/sync/user-meta.test.ts'],
  },
  {
    name: 'owner-sync-every-contact-type',
    breaks: 'only business contacts get the owner email',
    file: 'jobs/owner-sync.ts',
    find: "filter: { account: owner.account, type: 'business', email: { $ne: owner.email } },",
    replace: 'filter: { account: owner.account, email: { $ne: owner.email } },',
    tests: ['test/integration/sync/owner-sync.test.ts'],
  },
  {
    name: 'batch-subject-fails-whole-job',
    breaks: 'one invalid user in a batch goes to dead-letter alone; the rest completes',
    file: 'src/worker/run-sync-job.ts',
    find: '      if (isOnlySubject(job.data, subject)) throw error;',
    replace: '      if (isOnlySubject(job.data, subject) || subject !== undefined) throw error;',
    tests: ['test/integration/sync/batch-isolation.test.ts'],
  },
  {
    name: 'every-failure-final',
    breaks: 'a transient failure is retried, not dead-lettered',
    file: 'src/dead-letter/dead-letter-entry.ts',
    find: '  return isUnrecoverable(error) || attemptsMadeIncludingThis >= (job.opts.attempts ?? 1);',
    replace:
      '  return true || isUnrecoverable(error) || attemptsMadeIncludingThis >= (job.opts.attempts ?? 1);',
    tests: ['test/integration/operations/dead-letter.test.ts'],
  },
  {
    name: 'history-lost-never-detected',
    breaks: 'a lost change-stream history recovers with a full resync',
    file: 'src/listener/stream-errors.ts',
    find: '  if (code !== undefined) return historyLostCodes.has(code);',
    replace: '  if (code !== undefined) return false;',
    tests: ['test/integration/listener/history-lost.test.ts'],
  },
  {
    name: 'stream-reopens-without-backoff',
    breaks: 'a stream that keeps closing backs off instead of spinning',
    file: 'src/listener/change-listener.ts',
    find: '    await this.pause(reconnectDelay(this.stats.streamFailures, 10_000));',
    replace: '    void reconnectDelay;',
    tests: ['test/integration/listener/stream-backoff.test.ts'],
  },
  {
    name: 'verify-ignores-tasks',
    breaks: 'verify reports drifted task copies',
    file: 'src/verify/audit-orders.ts',
    find: '    await auditTasksOf(collections, batch, report);',
    replace: '    void auditTasksOf;',
    tests: ['test/integration/sync/verify.test.ts'],
  },
  {
    name: 'basic-auth-any-password',
    breaks: 'the dashboard refuses a wrong password',
    file: 'src/http/basic-auth.ts',
    find: '    if (given !== undefined && userMatches && passwordMatches) {',
    replace: '    if (given !== undefined && userMatches && (passwordMatches || true)) {',
    tests: ['test/unit/http/basic-auth.test.ts'],
  },
  {
    name: 'config-accepts-non-numeric',
    breaks: 'an invalid WORKER_CONCURRENCY stops boot naming the variable',
    file: 'src/config/env-fields.ts',
    find: '    const parsed = /^\\d+$/.test(value) ? Number(value) : Number.NaN;',
    replace: '    const parsed = Number.parseInt(value, 10) || fallback;',
    tests: ['test/unit/config/load-config.test.ts'],
  },
];
