/**
 * How long the one-shot CLI takes by hand, against `user-sync dev`'s stack and sample data: `verify` and
 * `--help`, timed by hyperfine (Debian's `hyperfine`) in separate processes, as a person at a terminal
 * runs them. The built CLI (dist/), not tsx: what an installed or containerised user-sync runs.
 *   npx tsc -p tsconfig.bench.json && node dist/bench/cli-timing.js
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Releasers } from '../src/lifecycle/releasers';
import { progress } from './bench-process';
import { spawnProcess } from './operator-process';
import { REPO_ROOT } from './repo-root';
import { formatNumber as n, round } from './stats';

const run = promisify(execFile);

export const CLI_TARGETS = { verifyMs: 500, helpMs: 250 } as const;

export interface CliTiming {
  command: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

export type CliTimingResult = { timings: CliTiming[] } | { skipped: string };

export async function measureCliTiming(
  releasers: Releasers,
  cli = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js'),
): Promise<CliTimingResult> {
  try {
    await run('hyperfine', ['--version']);
  } catch {
    return { skipped: 'hyperfine is not installed (apt-get install hyperfine)' };
  }
  const dev = spawnProcess('user-sync dev', process.execPath, [cli, 'dev'], {
    PORT: '0',
    WEBHOOK_PORT: '0',
    LOG_LEVEL: 'warn',
  });
  releasers.add('user-sync dev', () => dev.stop().then(() => undefined));
  await dev.waitFor(/Ctrl-C stops everything/, 60_000);
  const exports = /CLI\s+export (.+)/.exec(dev.output())?.[1] ?? '';
  const env = Object.fromEntries(
    [...exports.matchAll(/(\w+)='([^']*)'/g)].map(([, name, value]) => [name, value]),
  );
  const dir = await mkdtemp(join(tmpdir(), 'cli-timing-'));
  releasers.add('timing files', () => rm(dir, { recursive: true, force: true }));
  const commands = ['verify', '--help'];
  progress(`CLI: ${commands.join(', ')} on the dev stack's sample data, by hyperfine`);
  const json = join(dir, 'hyperfine.json');
  await run(
    'hyperfine',
    [
      '-N',
      '--warmup',
      '2',
      '--runs',
      '15',
      '--export-json',
      json,
      ...commands.map(c => `${process.execPath} ${cli} ${c}`),
    ],
    { env: { ...process.env, ...env, LOG_LEVEL: 'warn' } },
  );
  const { results } = JSON.parse(await readFile(json, 'utf8')) as {
    results: { command: string; median: number; min: number; max: number; times: number[] }[];
  };
  return {
    timings: results.map((result, index) => ({
      command: `user-sync ${commands[index]}`,
      medianMs: round(result.median * 1000),
      minMs: round(result.min * 1000),
      maxMs: round(result.max * 1000),
      runs: result.times.length,
    })),
  };
}

export function renderCliTiming(result: CliTimingResult): string {
  if ('skipped' in result) return `## CLI by hand\n\nSkipped: ${result.skipped}.\n`;
  const target = (command: string) =>
    command.endsWith('verify') ? CLI_TARGETS.verifyMs : CLI_TARGETS.helpMs;
  return [
    '## CLI by hand',
    '',
    "Each command a new process (`hyperfine -N`, 2 warm-up runs), against `user-sync dev`'s stack and sample data (7 users, 9 orders, 18 tasks).",
    '',
    '| command | median ms | min | max | runs | target | |',
    '|---|---|---|---|---|---|---|',
    ...result.timings.map(
      timing =>
        `| \`${timing.command}\` | ${n(timing.medianMs)} | ${n(timing.minMs)} | ${n(timing.maxMs)} | ${timing.runs} | < ${target(timing.command)} | ${timing.medianMs < target(timing.command) ? 'met' : 'not met'} |`,
    ),
    '',
  ].join('\n');
}

if (require.main === module) {
  const releasers = new Releasers();
  measureCliTiming(releasers)
    .then(result => process.stdout.write(`${renderCliTiming(result)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    })
    .finally(() => releasers.release());
}
