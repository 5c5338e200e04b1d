/**
 * Section 2: one user on N orders changes; how long until every order and task shows it, and how many
 * database commands that takes. (a) the seed's per-order loop (bench-only re-implementation), (b)
 * responsible-rebuild plus the task-cascade follow-up it enqueues, run directly without Redis. Both run
 * in every round, alternating which goes first, against the same data, through one monitored client.
 */
import { MongoClient, type ObjectId } from 'mongodb';
import pino from 'pino';
import { syncCollections } from '../src/db/sync-collections';
import type { SyncQueueName } from '../src/queues/queue-names';
import type { FollowUpJob, SyncCollections, SyncJobContext } from '../src/sync/sync-job-context';
import { processors } from '../src/worker/processors';
import { CommandCounter } from './command-counter';
import { assertSynced, insertFanOutUser, renameUser, type FanOutUser } from './fan-out-data';
import { seedResponsibleLoop } from './seed-responsible-loop';
import { alternate, median, round, timed } from './stats';
import { benchConfig, createSyncIndexes } from './sync-database';

export interface FanOutOptions {
  orderCounts: readonly number[];
  /** Rounds per order count (each round runs both approaches once). */
  rounds: (orders: number) => number;
  /** An unmeasured user both approaches run on first, so neither pays for the JIT in its measured rounds. */
  warmup: { orders: number; rounds: number };
}

interface ApproachFigures {
  medianMs: number;
  roundsMs: number[];
  /** Commands of one run (the median over rounds). */
  commands: number;
  roundsCommands: number[];
  /** Commands by name, of the run with the most commands. */
  commandsByName: Record<string, number>;
}

export interface FanOutRow {
  orders: number;
  rounds: number;
  seedLoop: ApproachFigures;
  userSync: ApproachFigures;
  /** seedLoop.medianMs / userSync.medianMs */
  speedUp: number;
}

const APPROACHES = ['seedLoop', 'userSync'] as const;
type Approach = (typeof APPROACHES)[number];

interface Run {
  ms: number;
  commands: number;
  byName: Record<string, number>;
}

export async function measureSyncFanOut(
  mongoUrl: string,
  databaseName: string,
  options: FanOutOptions,
): Promise<FanOutRow[]> {
  const config = benchConfig(mongoUrl, databaseName);
  await createSyncIndexes(mongoUrl, config);
  const client = await MongoClient.connect(mongoUrl, { monitorCommands: true });
  try {
    const counter = new CommandCounter(client);
    const collections = syncCollections(client.db(databaseName), config.collections);
    const runner = new ApproachRunner(collections, counter);

    const warmup = await insertFanOutUser(collections, options.warmup.orders);
    for (let r = 0; r < options.warmup.rounds; r += 1) {
      for (const approach of APPROACHES) await runner.run(approach, warmup, `warm-up ${r}`);
    }

    const rows: FanOutRow[] = [];
    for (const orders of options.orderCounts) {
      const fanOut = await insertFanOutUser(collections, orders);
      const runs: Record<Approach, Run[]> = { seedLoop: [], userSync: [] };
      const rounds = options.rounds(orders);
      for (let r = 0; r < rounds; r += 1) {
        for (const approach of alternate(r, APPROACHES)) {
          runs[approach].push(await runner.run(approach, fanOut, `round ${r}`));
        }
      }
      const seedLoop = summarize(runs.seedLoop);
      const userSync = summarize(runs.userSync);
      rows.push({
        orders,
        rounds,
        seedLoop,
        userSync,
        speedUp: round(seedLoop.medianMs / userSync.medianMs),
      });
    }
    return rows;
  } finally {
    await client.close();
  }
}

class ApproachRunner {
  private readonly logger = pino({ level: 'silent' });

  constructor(
    private readonly collections: SyncCollections,
    private readonly counter: CommandCounter,
  ) {}

  /** Renames the user (untimed), runs one approach (timed, counted), then checks every copy followed. */
  async run(approach: Approach, fanOut: FanOutUser, label: string): Promise<Run> {
    const name = `${approach} ${label} ${fanOut.orders}`;
    const user = await renameUser(this.collections, fanOut.userId, name);
    const work: () => Promise<unknown> =
      approach === 'seedLoop'
        ? () => seedResponsibleLoop(this.collections, user)
        : () => this.runUserSync(fanOut.userId);
    const { ms, result } = await timed(() => this.counter.count(work));
    await assertSynced(this.collections, fanOut, name);
    return { ms, commands: result.total, byName: result.byName };
  }

  /** responsible-rebuild, then every follow-up job it enqueues, as workers would run them, in order. */
  private async runUserSync(userId: ObjectId): Promise<void> {
    const pending: { queue: SyncQueueName; job: FollowUpJob }[] = [
      { queue: 'responsible-rebuild', job: { data: { userId: userId.toHexString() } } },
    ];
    const ctx: SyncJobContext = {
      collections: this.collections,
      jobId: 'bench-fan-out',
      logger: this.logger,
      reportProgress: async () => {},
      enqueue: async (queue, jobs) => void pending.push(...jobs.map(job => ({ queue, job }))),
      rejectSubject: async (_subject, _data, error) => {
        throw error;
      },
    };
    for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
      await processors[next.queue](next.job.data, ctx);
    }
  }
}

function summarize(runs: Run[]): ApproachFigures {
  const most = runs.reduce<Run | undefined>(
    (a, b) => (a === undefined || b.commands > a.commands ? b : a),
    undefined,
  );
  return {
    medianMs: round(median(runs.map(run => run.ms))),
    roundsMs: runs.map(run => round(run.ms)),
    commands: median(runs.map(run => run.commands)),
    roundsCommands: runs.map(run => run.commands),
    commandsByName: most?.byName ?? {},
  };
}
