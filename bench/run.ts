/**
 * `npm run bench [-- --quick] [-- --out DIR]`: the speed and memory figures of user-sync, measured side by
 * side in one run (see README "Benchmark"). Starts what it needs (the embedded MongoDB emulator unless
 * MONGO_URL, a redis-server unless REDIS_URL), writes results.json/.md, prints the markdown tables, and
 * releases everything it started, also on Ctrl-C. Redis memory comes last, into redis-memory.json/.md:
 * BENCH_REDIS_MEMORY=full runs it at the target sizes (about 50 minutes), =skip leaves it out.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { MongoClient } from 'mongodb';
import { RedisServerMissing } from '../src/dev/start-redis-server';
import { Releasers } from '../src/lifecycle/releasers';
import { acquireBenchMongo, acquireBenchRedis, type BenchBackend } from './backends';
import { measureChangeLatency } from './change-latency';
import { codeVersion } from './code-version';
import { measureBulkUpdate } from '../packages/mongo-emulator/bench/measure-bulk-update';
import { measureEmulatorOps } from './emulator-ops';
import { measureEndToEnd, type EndToEndResult } from './end-to-end';
import { loadOpsCollections } from './ops-collections';
import { measureOperatorSection } from './operator-scenario';
import { PLANS, type BenchPlan } from './plans';
import { measureRedisMemory, REDIS_MEMORY_SIZES } from './redis-memory';
import { writeRedisMemoryResults } from './redis-memory-report';
import { renderMarkdown, TARGETS, type BenchResults } from './report';
import { REPO_ROOT } from './repo-root';
import { round } from './stats';
import { measureSyncFanOut } from './sync-fan-out';
import { measureWebhookSection, renderWebhookSection } from './webhooks';
import { measureCliTiming, renderCliTiming, type CliTimingResult } from './cli-timing';
import type { WebhookLoadResult } from './webhook-load';

const releases: (() => Promise<void>)[] = [];

async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const outIndex = argv.indexOf('--out');
  // A smoke run must not overwrite the committed figures of a real run.
  const outDir =
    outIndex >= 0 && argv[outIndex + 1] !== undefined
      ? argv[outIndex + 1]
      : quick
        ? join(tmpdir(), 'user-sync-bench')
        : join(REPO_ROOT, 'bench', 'results');
  const plan = quick ? PLANS.quick : PLANS.full;
  const started = Date.now();
  const loadAverageAtStart = loadavg()[0];
  const runId = randomUUID().slice(0, 8);

  const mongo = await acquire(() => acquireBenchMongo(process.env));
  progress(`MongoDB: ${mongo.description}`);
  const emulator = await measureEmulator(mongo, `bench-ops-${runId}`, plan);
  progress('sync fan-out: seed loop and user-sync side by side');
  const fanOut = await measureSyncFanOut(mongo.url, `bench-fan-out-${runId}`, plan.fanOut);
  await dropDatabase(mongo.url, `bench-fan-out-${runId}`);
  const endToEnd = await measureThroughRedis(mongo, `bench-e2e-${runId}`, plan);
  const operatorReleasers = new Releasers();
  releases.unshift(() => operatorReleasers.release());
  const operator = await measureOperatorSection(plan.operator, operatorReleasers, progress);
  await operatorReleasers.release();
  const webhookReleasers = new Releasers();
  releases.unshift(() => webhookReleasers.release());
  const webhooks = await measureWebhookSection(plan.webhooks, webhookReleasers);
  await webhookReleasers.release();
  const cliReleasers = new Releasers();
  releases.unshift(() => cliReleasers.release());
  const cliTiming = await measureCliTiming(cliReleasers);
  await cliReleasers.release();

  const results: BenchResults & { webhooks: WebhookLoadResult; cliTiming: CliTimingResult } = {
    startedAt: new Date(started).toISOString(),
    durationSec: round((Date.now() - started) / 1000),
    quick,
    code: codeVersion(),
    environment: {
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      loadAverageAtStart: round(loadAverageAtStart),
      loadAverageAtEnd: round(loadavg()[0]),
    },
    backends: { mongo: mongo.description, redis: endToEnd.redis },
    memory: emulator.memory,
    emulatorOps: emulator.ops,
    changeLatency: emulator.latency,
    bulkUpdate: emulator.bulkUpdate,
    targets: {
      ...TARGETS,
      updateOneByIdMet: emulator.ops.operations
        .filter(op => op.operation === 'updateOne')
        .every(op => op.bySize.every(entry => entry.medianOpsPerSec >= TARGETS.updateOneByIdMinOpsPerSec)),
      changeLatencyP99Met: emulator.latency.bySize.every(
        entry => entry.p99Ms < TARGETS.changeLatencyP99MaxMs,
      ),
      bulkUpdateMet: emulator.bulkUpdate.medianMicrosPerDoc <= TARGETS.bulkUpdateMaxMicrosPerDoc,
    },
    fanOut,
    endToEnd: endToEnd.result,
    operator,
    webhooks,
    cliTiming,
  };
  const markdown = `${renderMarkdown(results)}\n${renderWebhookSection(webhooks)}\n${renderCliTiming(cliTiming)}`;
  await mkdir(outDir, { recursive: true });
  const name = quick ? 'quick' : 'latest';
  await writeFile(join(outDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(outDir, `${name}.md`), markdown);
  process.stdout.write(`\n${markdown}\nwritten: ${displayPath(join(outDir, `${name}.json`))}, ${name}.md\n`);
  await measureRedisMemorySection(quick, outDir);
}

/** Its own files: at the default sizes it adds about 4 minutes, and its full sizes take far longer. */
async function measureRedisMemorySection(quick: boolean, outDir: string): Promise<void> {
  const choice = process.env.BENCH_REDIS_MEMORY?.trim() || 'default';
  if (choice === 'skip') return;
  if (choice !== 'full' && choice !== 'default')
    throw new Error(`BENCH_REDIS_MEMORY is full, default or skip; got ${choice}`);
  const size = quick ? 'quick' : choice;
  progress(`Redis memory at ${size} sizes`);
  const releasers = new Releasers();
  releases.unshift(() => releasers.release());
  try {
    const cli = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js');
    const result = await measureRedisMemory(REDIS_MEMORY_SIZES[size], cli, releasers, progress);
    const command = `${choice === 'full' ? 'BENCH_REDIS_MEMORY=full ' : ''}npm run bench${quick ? ' -- --quick' : ''}`;
    const { markdown, paths } = await writeRedisMemoryResults(outDir, result, command);
    process.stdout.write(`\n${markdown}\nwritten: ${paths.map(displayPath).join(', ')}\n`);
  } catch (error) {
    if (!(error instanceof RedisServerMissing)) throw error;
    progress(`Redis memory skipped: ${error.message}`);
  } finally {
    await releasers.release();
  }
}

async function measureEmulator(mongo: BenchBackend, databaseName: string, plan: BenchPlan) {
  const client = await MongoClient.connect(mongo.url);
  try {
    const db = client.db(databaseName);
    progress('loading the 1,000- and 100,000-document collections');
    const { collections, memory } = await loadOpsCollections(db, mongo.inProcess);
    progress('operations per second, both sizes interleaved');
    const ops = await measureEmulatorOps(collections, plan.ops);
    progress('change event latency');
    const latency = await measureChangeLatency(collections, plan.latency);
    await db.dropDatabase();
    progress(`bulk update: ${plan.bulkUpdate.docs} matched documents per statement`);
    const bulkUpdate = await measureBulkUpdate(db, plan.bulkUpdate);
    await db.dropDatabase();
    return { memory, ops, latency, bulkUpdate };
  } finally {
    await client.close();
  }
}

async function measureThroughRedis(
  mongo: BenchBackend,
  databaseName: string,
  plan: BenchPlan,
): Promise<{ redis: string; result: EndToEndResult | { skipped: string } }> {
  let redis: BenchBackend;
  try {
    redis = await acquire(() => acquireBenchRedis(process.env));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    progress(`end to end skipped: ${reason}`);
    return { redis: 'none', result: { skipped: reason } };
  }
  progress(`Redis: ${redis.description}`);
  progress(`end to end: ${plan.endToEnd.jobs} manager-sync jobs through BullMQ`);
  const result = await measureEndToEnd(mongo.url, redis.url, databaseName, plan.endToEnd);
  return { redis: redis.description, result };
}

async function dropDatabase(url: string, name: string): Promise<void> {
  const client = await MongoClient.connect(url);
  try {
    await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}

/** Starts a backend and registers its release; released in reverse order at exit. */
async function acquire(start: () => Promise<BenchBackend>): Promise<BenchBackend> {
  const backend = await start();
  releases.unshift(() => backend.release());
  return backend;
}

async function releaseAll(): Promise<void> {
  for (const release of releases.splice(0)) await release().catch(() => undefined);
}

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function displayPath(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd.startsWith('..') ? path : fromCwd;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping what the benchmark started`);
    void releaseAll().finally(() => process.exit(130));
  });
}

main(process.argv.slice(2))
  .then(releaseAll)
  .catch(async (error: unknown) => {
    process.stderr.write(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await releaseAll();
    process.exitCode = 1;
  });
