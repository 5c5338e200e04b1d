/**
 * The operator scenario alone, at any size:
 *   npx tsc -p tsconfig.bench.json
 *   node dist/bench/operator.js [--burst 10000] [--backfill 100000] [--steady SECONDS, 0 skips: 20]
 *                               [--reassign ORDERS: 200] [--bulk-tasks TASKS: 10000]
 *                               [--cli dist/src/cli/bin.js] [--timeout SECONDS] [--json FILE]
 * Prints the markdown section of `npm run bench` (plus the machine it ran on) and releases everything it
 * started, also on Ctrl-C. `--cli` may point at another build, to compare two versions of the service.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Releasers } from '../src/lifecycle/releasers';
import { progress, runBenchProcess } from './bench-process';
import { buildBaseline } from './baseline-build';
import { renderComparison, renderOperator } from './operator-report';
import { measureOperatorScenario, type OperatorOptions, type OperatorResult } from './operator-scenario';
import { REPO_ROOT } from './repo-root';
import { formatNumber as n } from './stats';

const releasers = new Releasers();

interface Arguments extends OperatorOptions {
  json: string | undefined;
  /** A git ref to run first, at the same sizes, for a side-by-side table. */
  compare: string | undefined;
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
  };
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
  const result = await measureOperatorScenario(options, releasers, progress);
  await releasers.release();
  const header =
    `Node ${process.version}, ${cpus().length} CPUs, load average ${n(loadAtStart)} at start and ` +
    `${n(loadavg()[0])} at the end; ${n((Date.now() - started) / 1000)} s in all; CLI ${options.cli}.`;
  const comparison =
    baseline === undefined ? [] : ['', ...renderComparison(options.compare ?? '', baseline, result)];
  process.stdout.write(`\n${header}\n\n${[...renderOperator(result), ...comparison].join('\n')}\n`);
  if (options.json !== undefined) {
    await writeFile(options.json, `${JSON.stringify({ options, result, baseline }, null, 2)}\n`);
  }
}

runBenchProcess(() => main(process.argv.slice(2)), releasers);
