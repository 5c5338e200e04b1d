/**
 * The operator scenario alone, at any size:
 *   npx tsc -p tsconfig.bench.json
 *   node dist/bench/operator.js [--burst 10000] [--backfill 100000] [--steady SECONDS, 0 skips: 20]
 *                               [--reassign ORDERS: 200] [--bulk-tasks TASKS: 10000]
 *                               [--cli dist/src/cli/bin.js] [--timeout SECONDS] [--json FILE]
 *                               [--rtt MS[,MS...] | none: 0] [--single CHANGES: 20]
 * Prints the markdown section of `npm run bench` (plus the machine it ran on) and releases everything it
 * started, also on Ctrl-C. `--cli` may point at another build, to compare two versions of the service.
 * `--rtt 0,1,5` runs the whole scenario once per round trip, the service reaching MongoDB and Redis through
 * latency proxies that add it (bench/latency-proxy.ts) and count every command crossing them: each run
 * reports its cost per change (single changes, burst, backfill, steady) next to its latencies. `none`
 * connects directly, without cost figures, as before the proxies existed.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Releasers } from '../src/lifecycle/releasers';
import { progress, runBenchProcess } from './bench-process';
import { buildBaseline } from './baseline-build';
import { renderComparison, renderOperator } from './operator-report';
import { renderCosts } from './operator-cost-report';
import { measureOperatorScenario, type OperatorOptions, type OperatorResult } from './operator-scenario';
import { REPO_ROOT } from './repo-root';
import { formatNumber as n } from './stats';

const releasers = new Releasers();

interface Arguments extends OperatorOptions {
  json: string | undefined;
  /** A git ref to run first, at the same sizes, for a side-by-side table. */
  compare: string | undefined;
  /** One scenario per round trip; [undefined]: direct, no proxies. */
  rtts: (number | undefined)[];
}

function parseArguments(argv: string[]): Arguments {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const count = (flag: string, fallback: number, min = 1): number => {
    const text = value(flag);
    if (text === undefined) return fallback;
    const parsed = Number(text.replace(/[_,]/g, ''));
    if (!Number.isInteger(parsed) || parsed < min)
      throw new Error(`${flag} needs an integer of at least ${min}, got ${text}`);
    return parsed;
  };
  const cli = resolve(value('--cli') ?? join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js'));
  if (!existsSync(cli)) throw new Error(`no user-sync CLI at ${cli}: run npm run build, or pass --cli`);
  const timeout = value('--timeout');
  return {
    burst: count('--burst', 10_000),
    backfill: count('--backfill', 100_000),
    steadySeconds: count('--steady', 20, 0),
    reassignments: count('--reassign', 200, 0),
    bulkTasks: count('--bulk-tasks', 10_000, 0),
    cli,
    timeoutMs: timeout === undefined ? undefined : count('--timeout', 0) * 1000,
    json: value('--json'),
    compare: value('--compare'),
    rtts: parseRtts(value('--rtt') ?? '0'),
    singleChanges: count('--single', 20, 0),
  };
}

function parseRtts(text: string): (number | undefined)[] {
  if (text === 'none') return [undefined];
  return text.split(',').map(part => {
    const ms = Number(part);
    if (!Number.isFinite(ms) || ms < 0)
      throw new Error(`--rtt needs milliseconds like 0,1,5 or none, got ${text}`);
    return ms;
  });
}

async function main(argv: string[]): Promise<void> {
  const options = parseArguments(argv);
  const started = Date.now();
  const loadAtStart = loadavg()[0];
  let baseline: OperatorResult | undefined;
  if (options.compare !== undefined) {
    const cli = buildBaseline(options.compare, progress);
    progress(`baseline ${options.compare}: the same scenario first`);
    // Its own releasers: once released, a Releasers releases anything added later at once, which would stop
    // the second run's servers as they start.
    const baselineReleasers = new Releasers();
    releasers.add('baseline scenario', () => baselineReleasers.release());
    baseline = await measureOperatorScenario({ ...options, cli }, baselineReleasers, progress);
    await baselineReleasers.release();
  }
  const results: OperatorResult[] = [];
  for (const rttMs of options.rtts) {
    // Each round trip its own servers and service: no run inherits another's queues or caches.
    const runReleasers = new Releasers();
    releasers.add(`scenario at ${rttMs ?? 'no'} ms RTT`, () => runReleasers.release());
    results.push(await measureOperatorScenario({ ...options, rttMs }, runReleasers, progress));
    await runReleasers.release();
  }
  await releasers.release();
  const header =
    `Node ${process.version}, ${cpus().length} CPUs, load average ${n(loadAtStart)} at start and ` +
    `${n(loadavg()[0])} at the end; ${n((Date.now() - started) / 1000)} s in all; CLI ${options.cli}.`;
  const comparison =
    baseline === undefined ? [] : ['', ...renderComparison(options.compare ?? '', baseline, results[0])];
  // Several round trips: their costs side by side first, then each run's own section without them.
  const together = results.length > 1;
  const sections = results.flatMap(result => [
    ...(result.costs === undefined ? [] : [`### Round trip ${result.costs.rttMs} ms`, '']),
    ...renderOperator(result, { costs: !together }),
    '',
  ]);
  const costs = together ? [...renderCosts(results), ''] : [];
  process.stdout.write(`\n${header}\n\n${[...costs, ...sections, ...comparison].join('\n')}\n`);
  if (options.json !== undefined) {
    await writeFile(
      options.json,
      `${JSON.stringify({ options, result: results[0], results, baseline }, null, 2)}\n`,
    );
  }
}

runBenchProcess(() => main(process.argv.slice(2)), releasers);
