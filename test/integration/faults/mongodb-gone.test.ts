import { MongoClient, type Db } from 'mongodb';
import { freePort } from '../../../src/dev/free-port';
import { MetricNames } from '../../../src/metrics/metric-names';
import { startAll, type AllProcess } from '../../support/all-process';
import { spawnCli, type CliProcess } from '../../support/cli-process';
import { reportFigure, sampleWhile } from '../../support/fault-figures';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { assertNothingLeaked, trackMongoClient } from '../../support/leak-guard';
import { seedCopiedUsers } from '../../support/user-copies';
import { waitUntil } from '../../support/wait-until';

const OUTAGE_MS = 30_000;

/**
 * SPEC §6: MongoDB gone for 30 s while users keep changing. The emulator runs as its own process and is
 * frozen (SIGSTOP): a hung server, whose sockets stay open and never answer, so only the driver's
 * timeouts notice. Changes are written just before it hangs and just after it is back; all converge,
 * nothing reaches dead-letter, /readyz names mongodb meanwhile and /metrics shows the listener's lag grow.
 */
describe('MongoDB gone for 30 s', () => {
  let redis: TestRedis;
  let emulator: CliProcess;
  let client: MongoClient;
  let db: Db;
  let all: AllProcess;
  beforeAll(async () => {
    redis = await acquireTestRedis();
    const port = await freePort();
    emulator = spawnCli(['mongo-emulator', '--port', String(port)], { LOG_LEVEL: 'warn' });
    const [uri] = await emulator.waitFor(/^mongodb:\/\/\S+/m);
    client = trackMongoClient(await new MongoClient(uri).connect(), 'outage test client');
    const database = `test-${crypto.randomUUID()}`;
    db = client.db(database);
    all = await startAll({
      MONGO_URL: `mongodb://127.0.0.1:${port}/${database}?replicaSet=rs0`,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.queuePrefix(),
    });
    await all.waitUntilReady();
  });
  afterAll(async () => {
    emulator.child.kill('SIGCONT');
    await client.close();
    await all.stop();
    await emulator.stop();
    await redis.release();
    await assertNothingLeaked();
  });

  it('changes before and after the outage converge; /readyz names mongodb; lag grows; nothing is dead-lettered', async () => {
    const copies = await seedCopiedUsers(db, 5);
    await copies.rename('Before');
    await copies.converged(30_000);

    await copies.rename('Lost');
    emulator.child.kill('SIGSTOP');
    const hung = Date.now();
    const outage = waitUntil('the outage to last 30 s', () => Date.now() - hung > OUTAGE_MS, {
      timeoutMs: OUTAGE_MS + 5_000,
      everyMs: 500,
    });
    const [lag, readiness] = await Promise.all([
      sampleWhile(outage, () => all.metric(MetricNames.listenerLag), 1_000),
      sampleWhile(outage, () => all.readyz(), 1_000),
    ]);
    emulator.child.kill('SIGCONT');
    const back = Date.now();

    await copies.rename('Back');
    const convergedAt = await copies.converged(90_000).then(() => Date.now());
    await all.waitUntilReady();

    const namedMongo = readiness.filter(
      answer => answer.status === 503 && answer.body.failed?.includes('mongodb'),
    );
    expect(namedMongo.length).toBeGreaterThan(0);
    const lagSamples = lag as number[];
    expect(Math.max(...lagSamples)).toBeGreaterThanOrEqual(OUTAGE_MS / 1000 - 10);
    expect(await all.metric(MetricNames.deadLetterJobs)).toBe(0);
    expect(await all.metricSum(MetricNames.jobsFailed)).toBe(0);
    // One line when it went away, one when it was back: not one per attempt.
    expect(all.logLines(/MongoDB disconnected/)).toBe(1);
    expect(all.logLines(/MongoDB reconnected/)).toBe(1);
    reportFigure('MongoDB hung for 30 s (SIGSTOP)', {
      convergedAfterBackMs: convergedAt - back,
      maxLagS: Math.max(...lagSamples),
      readyz503NamingMongo: `${namedMongo.length}/${readiness.length}`,
      firstMongoReason: JSON.stringify(namedMongo[0]?.body.checks.mongodb ?? ''),
      disconnectedLines: all.logLines(/MongoDB disconnected/),
      reconnectedLines: all.logLines(/MongoDB reconnected/),
      streamClosedLines: all.logLines(/change stream closed/),
      transientJobLines: all.logLines(/MongoDB failed transiently/),
    });
  }, 180_000);
});
