/**
 * Where one change's MongoDB commands and Redis calls come from:
 *   npx tsc -p tsconfig.bench.json
 *   node dist/bench/cost-profile.js [--changes 5] [--users 50] [--rtt 0] [--cli dist/src/cli/bin.js]
 *                                   [--out FILE.md] [--json FILE] [--env K=V,K=V] [--no-split]
 * Two passes over isolated renames (one at a time, each waited for, then quiet): first `user-sync all` at
 * default settings behind the counting proxies, with Redis MONITOR tallying every call by queue and script
 * (Lua's inner calls included) and every MongoDB command kept whole and grouped by shape; then the same
 * service split into `listener` and one `worker --queues Q` per queue, each process behind its own proxies,
 * so each process's commands and round trips are its own. Idle background is measured first and taken off.
 * `--env` sets service settings (WORKER_CONCURRENCY=1, RETAIN_COMPLETED_JOBS=0...) to see what one saves.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../src/config/load-config';
import { Releasers } from '../src/lifecycle/releasers';
import { progress, runBenchProcess } from './bench-process';
import {
  countShapes,
  renderProfile,
  subtractShapes,
  timeline,
  type AllProfile,
  type ProfileSettings,
} from './cost-profile-report';
import { profileSplit, warmUp } from './cost-profile-split';
import { CostMeter, netOf, scaleCost } from './operator-cost';
import { waitForIdleQueues } from './operator-metrics';
import { seedOperatorData } from './operator-seed';
import { measureSingleChanges } from './operator-single';
import { startOperatorStack, startRole } from './operator-stack';
import type { Proxies } from './proxy-client';
import { RedisMonitorTally, tallyDelta } from './redis-monitor-tally';
import { REPO_ROOT } from './repo-root';
import { createSyncIndexes } from './sync-database';

const releasers = new Releasers();
const IDLE_MS = 10_000;

interface ProfileOptions extends ProfileSettings {
  cli: string;
  out: string | undefined;
  json: string | undefined;
  split: boolean;
}

function parseArguments(argv: string[]): ProfileOptions {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const number = (flag: string, fallback: number) => Number(value(flag) ?? fallback);
  return {
    changes: number('--changes', 5),
    users: number('--users', 50),
    rttMs: number('--rtt', 0),
    cli: resolve(value('--cli') ?? join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js')),
    out: value('--out'),
    json: value('--json'),
    env: Object.fromEntries(
      (value('--env') ?? '')
        .split(',')
        .filter(Boolean)
        .map(pair => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    ),
    split: !argv.includes('--no-split'),
    idleMs: IDLE_MS,
  };
}

async function main(argv: string[]): Promise<void> {
  const options = parseArguments(argv);
  const stack = await startOperatorStack(options.cli, releasers, options.rttMs);
  const proxies = stack.proxies as Proxies;
  const client = await MongoClient.connect(stack.mongoUrl);
  releasers.add('bench client', () => client.close());
  const db = client.db(stack.databaseName);
  await createSyncIndexes(stack.mongoUrl, loadConfig({ MONGO_URL: stack.mongoUrl, LOG_LEVEL: 'silent' }));
  const userIds = await seedOperatorData(db, options.users);

  // Disjoint users per pass (renaming a user to the name it has is no change at all), and one change
  // before each pass: a process's first job loads scripts and opens queues, which no later change repeats.
  const [warmAll, warmSplit] = userIds;
  const profiled = userIds.slice(2, 2 + options.changes);
  const profiledSplit = userIds.slice(2 + options.changes, 2 + 2 * options.changes);
  progress('profile: `user-sync all`');
  const all = await startRole(stack, ['all'], options.env, releasers);
  await waitForIdleQueues(all.url, 30_000);
  const meter = await CostMeter.start(proxies, stack.redisUrl, releasers);
  await warmUp(db, warmAll, meter, options.rttMs);
  const monitor = await RedisMonitorTally.start(stack.redisUrl, stack.queuePrefix, releasers);
  await proxies.keepLog(true);
  const idleTally = monitor.snapshot();
  const idle = await meter.idleRate(options.idleMs);
  const idleTallyDelta = tallyDelta(monitor.snapshot(), idleTally);
  const idleLog = (await proxies.takeLog()).mongo;
  const before = monitor.snapshot();
  const single = await measureSingleChanges(
    db,
    profiled,
    meter,
    { changes: options.changes, rttMs: options.rttMs, idle },
    progress,
  );
  const { mongo: changeLog, redis: redisLog } = await proxies.takeLog();
  await proxies.keepLog(false);
  const scale = single.cost.seconds / idle.seconds;
  const perChange = (value: number) => value / options.changes;
  const net = netOf(single.cost, idle);
  const shapes = subtractShapes(countShapes(changeLog), countShapes(idleLog), scale);
  const monitorTally = tallyDelta(monitor.snapshot(), before, { tally: idleTallyDelta, scale });
  const allProfile: AllProfile = {
    single,
    timeline: timeline(single, changeLog, redisLog),
    net: scaleCost(net, 1 / options.changes),
    shapes: Object.fromEntries(Object.entries(shapes).map(([shape, count]) => [shape, perChange(count)])),
    monitor: Object.fromEntries(
      Object.entries(monitorTally).map(([key, row]) => [
        key,
        { sent: perChange(row.sent), inside: perChange(row.inside) },
      ]),
    ),
  };
  await all.process.stop();

  progress('profile: listener and one worker per queue, each behind its own proxies');
  const split = options.split
    ? await profileSplit(stack, db, [warmSplit, profiledSplit], meter, options, releasers, progress)
    : [];
  const report = renderProfile(options, allProfile, split);
  process.stdout.write(`${report}\n`);
  if (options.out !== undefined) await writeFile(options.out, `${report}\n`);
  if (options.json !== undefined)
    await writeFile(options.json, `${JSON.stringify({ options, all: allProfile, split }, null, 2)}\n`);
  await releasers.release();
}

runBenchProcess(() => main(process.argv.slice(2)), releasers);
