/**
 * The webhook scenario alone, or as a section of `npm run bench`:
 *   npx tsc -p tsconfig.bench.json && node dist/bench/webhooks.js [--webhooks 2000] [--rate 100]
 * Starts the servers (as the operator scenario does) and `user-sync all` with the webhook endpoint on,
 * seeds one user per delivery (each on 3 orders with a task each), and reports request and change latency.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { freePort } from '../src/dev/free-port';
import { Releasers } from '../src/lifecycle/releasers';
import { CLERK_WEBHOOK_PATH } from '../src/webhooks/start-webhook-server';
import { progress } from './bench-process';
import { seedOperatorData } from './operator-seed';
import { waitForIdleQueues } from './operator-metrics';
import { startOperatorStack, startRole } from './operator-stack';
import { REPO_ROOT } from './repo-root';
import { formatNumber as n } from './stats';
import { linkToClerk, measureWebhookLoad, type WebhookLoadResult } from './webhook-load';

export const WEBHOOK_TARGETS = { requestP99Ms: 50, changeP99Ms: 500 } as const;

export interface WebhookSizes {
  webhooks: number;
  ratePerSec: number;
}

export async function measureWebhookSection(
  sizes: WebhookSizes,
  releasers: Releasers,
  cli = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js'),
): Promise<WebhookLoadResult> {
  const stack = await startOperatorStack(cli, releasers);
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const webhookPort = await freePort();
  const all = await startRole(
    stack,
    ['all'],
    { CLERK_WEBHOOK_SECRET: secret, WEBHOOK_PORT: String(webhookPort) },
    releasers,
  );
  const client = await MongoClient.connect(stack.mongoUrl);
  releasers.add('bench client', () => client.close());
  const db = client.db(stack.databaseName);
  progress(`webhooks: seeding ${sizes.webhooks} users, each on 3 orders with a task`);
  const userIds = await seedOperatorData(db, sizes.webhooks);
  await linkToClerk(db, userIds);
  // The seeded orders are changes too (SPEC §2b): their jobs must be done before the first delivery, or
  // the first changes measured wait behind them.
  if ((await waitForIdleQueues(all.url, 120_000)) === undefined)
    throw new Error('webhooks: the jobs of the seeded orders did not finish within 120 s');
  return measureWebhookLoad(
    db,
    { url: `http://127.0.0.1:${webhookPort}${CLERK_WEBHOOK_PATH}`, secret },
    userIds,
    { ...sizes, settleMs: 30_000 },
    progress,
  );
}

export function renderWebhookSection(result: WebhookLoadResult): string {
  const statuses = Object.entries(result.statuses)
    .map(([status, count]) => `${n(count)} × ${status}`)
    .join(', ');
  const met = (value: number | undefined, target: number) =>
    value !== undefined && value <= target ? 'met' : 'not met';
  return [
    '## Clerk webhooks',
    '',
    `${n(result.webhooks)} signed \`user.updated\` deliveries at ${n(result.ratePerSec)}/s to \`user-sync all\`, each renaming one user on 3 orders with a task (${result.copiesPerChange} copies per change). Answers: ${statuses}; ${n(result.converged)} of ${n(result.webhooks)} changes converged.`,
    '',
    '| figure | p50 | p99 | max | target (p99) | |',
    '|---|---|---|---|---|---|',
    `| request (until the job is in Redis), ms | ${n(result.request.p50Ms)} | ${n(result.request.p99Ms)} | ${n(result.request.maxMs)} | ≤ ${WEBHOOK_TARGETS.requestP99Ms} | ${met(result.request.p99Ms, WEBHOOK_TARGETS.requestP99Ms)} |`,
    `| request → every copy converged, ms | ${n(result.change.p50Ms)} | ${n(result.change.p99Ms)} | ${n(result.change.maxMs)} | ≤ ${WEBHOOK_TARGETS.changeP99Ms} | ${met(result.change.p99Ms, WEBHOOK_TARGETS.changeP99Ms)} |`,
    '',
    `Latest delivery sent after its scheduled time: ${n(result.maxSendLagMs)} ms.`,
    '',
  ].join('\n');
}

function argument(argv: string[], flag: string, fallback: number): number {
  const index = argv.indexOf(flag);
  if (index < 0) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} needs a positive integer`);
  return value;
}

if (require.main === module) {
  const releasers = new Releasers();
  const argv = process.argv.slice(2);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void releasers.release().finally(() => process.exit(130)));
  measureWebhookSection(
    { webhooks: argument(argv, '--webhooks', 2000), ratePerSec: argument(argv, '--rate', 100) },
    releasers,
  )
    .then(result => process.stdout.write(`${renderWebhookSection(result)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    })
    .finally(() => releasers.release());
}
