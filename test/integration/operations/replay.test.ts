import type { Job } from 'bullmq';
import type { Document } from 'mongodb';
import type { DeadLetterEntry } from '../../../src/dead-letter/dead-letter-entry';
import { replayDeadLetters } from '../../../src/operations/replay-dead-letters';
import { toOwner } from '../../../src/sync/user-meta';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';
import { runCliInProcess } from '../../support/run-cli-in-process';
import { spawnCli } from '../../support/cli-process';
import { waitUntil } from '../../support/wait-until';

describe('user-sync replay', () => {
  let h: SyncHarness;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await startSyncHarness({ JOB_ATTEMPTS: '3' });
    await h.startWorkers();
    env = {
      REDIS_URL: h.config.redisUrl,
      QUEUE_PREFIX: h.config.queuePrefix,
      JOB_ATTEMPTS: '3',
      JOB_BACKOFF_MS: '50',
      LOG_LEVEL: 'silent',
    };
  });
  afterAll(() => h.close());

  const replay = (...args: string[]) => runCliInProcess(['replay', ...args], env);

  async function deadLetters(): Promise<Job<DeadLetterEntry>[]> {
    return (await h.queues
      .get('dead-letter')
      .getJobs(['waiting', 'delayed', 'prioritized'])) as Job<DeadLetterEntry>[];
  }

  async function deadLetterIds(): Promise<string[]> {
    return (await deadLetters()).map(job => String(job.id)).sort();
  }

  async function untilDeadLettered(...ids: string[]): Promise<void> {
    await waitUntil(`dead-letter entries ${ids.join(', ')}`, async () => {
      const present = await deadLetterIds();
      return ids.every(id => present.includes(id));
    });
  }

  async function stateOf(queue: 'owner-sync' | 'manager-sync', jobId: string) {
    return (await h.queues.get(queue).getJob(jobId))?.getState();
  }

  it('without --all, --queue or --id is a usage error and touches nothing', async () => {
    const bad = aUser({ name: 42 });
    await insertAll(h.collections, { users: [bad], orders: [anOrder({ manager: bad._id })] });
    await h.enqueue('manager-sync', { userId: bad._id.toHexString() }, 'usage-1');
    await untilDeadLettered('manager-sync__usage-1');

    const result = await replay();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--all.*--queue.*--id/);
    expect(await deadLetterIds()).toContain('manager-sync__usage-1');
    // Leave nothing behind for the next test: fix the user, replay the entry, let it complete.
    await h.collections.users.updateOne({ _id: bad._id }, { $set: { name: 'Fixed' } });
    expect((await replay('--id', 'manager-sync__usage-1')).code).toBe(0);
    await waitUntil(
      'the replay to complete',
      async () => (await stateOf('manager-sync', 'usage-1-replay-1')) === 'completed',
    );
  });

  it('--all sends every entry back with fresh attempts; once the data is fixed the jobs succeed', async () => {
    const account = aUser().account as Document;
    const owner = aUser({ account, is_owner: true, email: 42 });
    const otherOwner = aUser({ is_owner: true, name: 7 });
    const order = anOrder({ manager: owner._id });
    await insertAll(h.collections, {
      users: [owner, otherOwner],
      accounts: [{ _id: account }, { _id: otherOwner.account }],
      orders: [order],
    });
    await h.enqueue('owner-sync', { userId: owner._id.toHexString() }, 'own-1');
    await h.enqueue('owner-sync', { userId: otherOwner._id.toHexString() }, 'own-2');
    await h.enqueue('manager-sync', { userId: owner._id.toHexString() }, 'mgr-1');
    await untilDeadLettered('owner-sync__own-1', 'owner-sync__own-2', 'manager-sync__mgr-1');

    // The fix: valid users. The entries still carry only ids; the replayed jobs read the fixed documents.
    await h.collections.users.updateOne({ _id: owner._id }, { $set: { email: 'owner@example.com' } });
    await h.collections.users.updateOne({ _id: otherOwner._id }, { $set: { name: 'Other Owner' } });

    const result = await replay('--all');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(
      'replayed 3 entries as 3 new jobs: owner-sync ×2, manager-sync ×1',
    );
    expect(result.stdout).toContain('owner-sync__own-1 -> owner-sync job own-1-replay-1');
    expect(await deadLetterIds()).toEqual([]);

    await waitUntil('the replayed jobs to complete', async () =>
      (
        await Promise.all([
          stateOf('owner-sync', 'own-1-replay-1'),
          stateOf('owner-sync', 'own-2-replay-1'),
          stateOf('manager-sync', 'mgr-1-replay-1'),
        ])
      ).every(state => state === 'completed'),
    );
    const fixedOwner = { ...owner, email: 'owner@example.com' };
    expect((await h.collections.accounts.findOne({ _id: account }))?.owner).toEqual(
      toOwner(fixedOwner as never),
    );
    expect(
      (await h.collections.orders.findOne({ _id: order._id }))?.metadata.dashclicks_team.manager,
    ).toEqual(metaOf(fixedOwner));
    // The replay had every attempt again: the job options are the queue's defaults, not the failed job's.
    const replayed = await h.queues.get('owner-sync').getJob('own-1-replay-1');
    expect(replayed?.opts.attempts).toBe(3);

    const again = await replay('--all');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('replayed 0 entries\n');
  });

  it('--id takes the original job id or the dead-letter id, --queue narrows, and a replay that fails again comes back', async () => {
    const manager = aUser();
    const order = anOrder({ manager: manager._id, specialist: manager._id, metadata: 'not a document' });
    await insertAll(h.collections, { users: [manager], orders: [order] });
    await h.enqueue('manager-sync', { userId: manager._id.toHexString() }, 'same-id');
    await h.enqueue('specialist-sync', { userId: manager._id.toHexString() }, 'same-id');
    await untilDeadLettered('manager-sync__same-id', 'specialist-sync__same-id');

    // Not fixed yet: the replay fails all its fresh attempts and lands in dead-letter again.
    const first = await replay('--id', 'same-id', '--queue', 'manager-sync');
    expect(first.stdout.split('\n')[0]).toBe('replayed 1 entry as 1 new job: manager-sync ×1');
    await untilDeadLettered('manager-sync__same-id-replay-1');
    const failedAgain = (await deadLetters()).find(job => job.id === 'manager-sync__same-id-replay-1');
    expect(failedAgain?.data.attemptsMade).toBe(3);
    expect(await deadLetterIds()).toEqual(['manager-sync__same-id-replay-1', 'specialist-sync__same-id']);

    await h.collections.orders.updateOne({ _id: order._id }, { $set: { metadata: {} } });
    const second = await replay('--id', 'manager-sync__same-id-replay-1');
    expect(second.stdout.split('\n')[0]).toBe('replayed 1 entry as 1 new job: manager-sync ×1');
    expect(second.stdout).toContain('-> manager-sync job same-id-replay-2');
    await waitUntil(
      'the second replay to complete',
      async () => (await stateOf('manager-sync', 'same-id-replay-2')) === 'completed',
    );
    expect(await deadLetterIds()).toEqual(['specialist-sync__same-id']);

    const byQueue = await replay('--queue', 'specialist-sync');
    expect(byQueue.stdout.split('\n')[0]).toBe('replayed 1 entry as 1 new job: specialist-sync ×1');
    await waitUntil('the specialist copy', async () => {
      const current = await h.collections.orders.findOne({ _id: order._id });
      return current?.metadata?.dashclicks_team?.specialist !== undefined;
    });
    expect((await h.collections.orders.findOne({ _id: order._id }))?.metadata.dashclicks_team).toEqual({
      manager: metaOf(manager),
      specialist: metaOf(manager),
    });

    const unknown = await replay('--id', 'no-such-job');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/^replayed 0 entries\n.*no dead-letter entry has the id no-such-job/);
  });

  it('entries of one lineage replay as one job, and replay (a real process) says so', async () => {
    const user = aUser({ name: 42 });
    await insertAll(h.collections, { users: [user], orders: [anOrder({ manager: user._id })] });
    await h.enqueue('manager-sync', { userId: user._id.toHexString() }, 'fold-1');
    await untilDeadLettered('manager-sync__fold-1');
    // The original retried in place (the dashboard's button) and replayed while it waits, both before the
    // fix: both fail again. Two entries, both of the lineage fold-1, whose next replay id is the same. (The
    // queue is paused so the retried original is still waiting when replay looks, and so is kept.)
    const managerSync = h.queues.get('manager-sync');
    await managerSync.pause();
    await (await managerSync.getJob('fold-1'))?.retry();
    expect((await replay('--id', 'manager-sync__fold-1')).code).toBe(0);
    await managerSync.resume();
    await untilDeadLettered('manager-sync__fold-1', 'manager-sync__fold-1-replay-1');
    await h.collections.users.updateOne({ _id: user._id }, { $set: { name: 'Fixed' } });

    const cli = spawnCli(['replay', '--queue', 'manager-sync'], env);
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    const lines = cli.stdout().trimEnd().split('\n');
    expect(lines[0]).toBe(
      'replayed 2 entries as 1 new job (1 entry joined an existing job): manager-sync ×2',
    );
    expect(lines).toHaveLength(3);
    expect(lines.slice(1)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}manager-sync__fold-1(-replay-1)? -> manager-sync job fold-1-replay-2$/),
        expect.stringMatching(
          /^ {2}manager-sync__fold-1(-replay-1)? -> manager-sync job fold-1-replay-2 \(joined the existing job, \w+\)$/,
        ),
      ]),
    );
    await waitUntil(
      'the one replayed job to complete',
      async () => (await stateOf('manager-sync', 'fold-1-replay-2')) === 'completed',
    );
    expect(await deadLetterIds()).toEqual([]);
    expect(await h.queues.get('manager-sync').getJob('fold-1-replay-3')).toBeUndefined();
  });

  it('removes the failed originals it re-drove (a real process): no failed job is left, and retry runs none again', async () => {
    const user = aUser({ name: 42 });
    const order = anOrder({ manager: user._id, specialist: user._id });
    await insertAll(h.collections, { users: [user], orders: [order] });
    await h.enqueue('manager-sync', { userId: user._id.toHexString() }, 'clean-1');
    await h.enqueue('specialist-sync', { userId: user._id.toHexString() }, 'clean-2');
    await untilDeadLettered('manager-sync__clean-1', 'specialist-sync__clean-2');
    expect(await stateOf('manager-sync', 'clean-1')).toBe('failed');
    await h.collections.users.updateOne({ _id: user._id }, { $set: { name: 'Fixed' } });

    const cli = spawnCli(['replay', '--all'], env);
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout().split('\n')[0]).toBe(
      'replayed 2 entries as 2 new jobs: manager-sync ×1, specialist-sync ×1',
    );
    // The failed originals are gone with their entries: the overview shows no red "failed" badge.
    expect(await h.queues.get('manager-sync').getJob('clean-1')).toBeUndefined();
    expect(await h.queues.get('specialist-sync').getJob('clean-2')).toBeUndefined();
    const failed = await Promise.all(
      (['manager-sync', 'specialist-sync'] as const).map(queue => h.queues.get(queue).getFailedCount()),
    );
    expect(failed).toEqual([0, 0]);
    await waitUntil('the replayed jobs to complete', async () =>
      (
        await Promise.all([
          (await h.queues.get('manager-sync').getJob('clean-1-replay-1'))?.getState(),
          (await h.queues.get('specialist-sync').getJob('clean-2-replay-1'))?.getState(),
        ])
      ).every(state => state === 'completed'),
    );
    // retry finds nothing: the failures replay dealt with do not run a second time.
    const retry = await runCliInProcess(['retry'], env);
    expect(retry.code).toBe(0);
    expect(retry.stdout).toMatch(/^retried 0 failed jobs/);
  });

  it('keeps an original that is no longer failed: retried in place, it is running its own course', async () => {
    const user = aUser({ name: 42 });
    await insertAll(h.collections, { users: [user], orders: [anOrder({ manager: user._id })] });
    await h.enqueue('manager-sync', { userId: user._id.toHexString() }, 'kept-1');
    await untilDeadLettered('manager-sync__kept-1');
    await h.collections.users.updateOne({ _id: user._id }, { $set: { name: 'Fixed' } });
    const managerSync = h.queues.get('manager-sync');
    await managerSync.pause();
    try {
      await (await managerSync.getJob('kept-1'))?.retry();
      expect((await replay('--id', 'manager-sync__kept-1')).code).toBe(0);
      expect(await stateOf('manager-sync', 'kept-1')).toBe('waiting');
    } finally {
      await managerSync.resume();
    }
    await waitUntil(
      'the original and its replay to complete',
      async () =>
        (await stateOf('manager-sync', 'kept-1')) === 'completed' &&
        (await stateOf('manager-sync', 'kept-1-replay-1')) === 'completed',
    );
  });
});

describe('replayDeadLetters after an interruption', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({ JOB_ATTEMPTS: '3' });
  });
  afterAll(() => h.close());

  const entry = (jobId: string, failedAt: Date): DeadLetterEntry => ({
    queue: 'manager-sync',
    jobId,
    name: 'manager-sync',
    data: { userId: 'a'.repeat(24) },
    failedReason: 'boom',
    stacktrace: [],
    attemptsMade: 3,
    failedAt: failedAt.toISOString(),
  });

  it('finishes a replay whose job was added but whose entry was not yet removed, without a second job', async () => {
    const deadLetter = h.queues.get('dead-letter');
    const target = h.queues.get('manager-sync');
    await deadLetter.add('manager-sync', entry('cut-1', new Date(Date.now() - 60_000)), {
      jobId: 'manager-sync__cut-1',
    });
    // What the interrupted run had done already: the replay job exists (no worker runs in this file).
    await target.add('manager-sync', { userId: 'a'.repeat(24) }, { jobId: 'cut-1-replay-1' });

    const report = await replayDeadLetters({ all: true }, { queues: h.queues });
    expect(report.replayed).toEqual([
      {
        deadLetterId: 'manager-sync__cut-1',
        queue: 'manager-sync',
        originalJobId: 'cut-1',
        newJobId: 'cut-1-replay-1',
        // The interrupted run's job: this run added none.
        joined: { state: 'waiting' },
      },
    ]);
    expect(await target.getJobCountByTypes('waiting')).toBe(1);
    expect(await deadLetter.getJob('manager-sync__cut-1')).toBeUndefined();
  });

  it('skips past a job of an older lineage that holds the next replay id', async () => {
    const deadLetter = h.queues.get('dead-letter');
    const target = h.queues.get('manager-sync');
    // old-1-replay-1 ran long ago; old-1 was later retried in place and failed for good again.
    await target.add('manager-sync', { userId: 'a'.repeat(24) }, { jobId: 'old-1-replay-1' });
    await new Promise(resolve => setTimeout(resolve, 20));
    await deadLetter.add('manager-sync', entry('old-1', new Date()), { jobId: 'manager-sync__old-1' });

    const report = await replayDeadLetters({ queue: 'manager-sync' }, { queues: h.queues });
    expect(report.replayed.map(item => item.newJobId)).toEqual(['old-1-replay-2']);
    expect(await target.getJob('old-1-replay-2')).toBeDefined();
  });
});
