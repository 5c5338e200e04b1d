/** bench/results/redis-memory.json and .md: what the Redis memory benchmark measured, and its verdict. */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { describeExit } from './operator-process';
import { codeVersion } from './code-version';
import { REDIS_MEMORY_TARGET_MIB, type RedisMemoryResult, type ScenarioResult } from './redis-memory';
import { formatNumber as n } from './stats';

const MiB = 1024 * 1024;
const mib = (bytes: number | undefined) => (bytes === undefined ? '–' : `${n(bytes / MiB)} MiB`);

export interface RedisMemoryReport {
  command: string;
  finishedAt: string;
  code: string;
  environment: { node: string; cpus: number; loadAverageAtEnd: number };
  result: RedisMemoryResult;
}

export async function writeRedisMemoryResults(
  outDir: string,
  result: RedisMemoryResult,
  command: string,
): Promise<{ markdown: string; paths: string[] }> {
  const report: RedisMemoryReport = {
    command,
    finishedAt: new Date().toISOString(),
    code: codeVersion(),
    environment: { node: process.version, cpus: cpus().length, loadAverageAtEnd: loadavg()[0] },
    result,
  };
  const markdown = renderRedisMemory(report);
  await mkdir(outDir, { recursive: true });
  const paths = [join(outDir, 'redis-memory.json'), join(outDir, 'redis-memory.md')];
  await writeFile(paths[0], `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(paths[1], markdown);
  return { markdown, paths };
}

/** At the target size the measured figure decides; below it, the extrapolation to that size. */
export function verdict(scenario: ScenarioResult): { figure: number | undefined; met: boolean | undefined } {
  const figure = scenario.changes >= scenario.fullChanges ? scenario.final.usedMemory : scenario.extrapolated;
  return { figure, met: figure === undefined ? undefined : figure <= REDIS_MEMORY_TARGET_MIB * MiB };
}

export function renderRedisMemory(report: RedisMemoryReport): string {
  const { result } = report;
  const { sizes, retention } = result;
  const lines = [
    '# Redis memory at the default retention',
    '',
    `\`${report.command}\`, ${report.finishedAt}, code ${report.code}; Node ${report.environment.node}, ` +
      `${report.environment.cpus} CPUs, load average ${n(report.environment.loadAverageAtEnd)} at the end.`,
    '',
    `Each scenario on its own stack: MongoDB ${result.backends.mongo}, Redis ${result.backends.redis}, and ` +
      `\`user-sync all\` with default settings (RETAIN_COMPLETED_JOBS ${retention.completedJobs}, RETAIN_EVENTS ` +
      `${retention.events}, the other RETAIN_* at their defaults); ${n(sizes.users)} users, each manager and ` +
      'only responsible user of 3 orders with 1 task each. `used_memory` from `INFO memory`, read once every ' +
      'change was processed and no job was pending.',
    '',
    `| scenario | changes | used_memory after | peak | caps bound after | growth after | at the target size | ≤ ${REDIS_MEMORY_TARGET_MIB} MiB |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    row(`bursts of ${n(sizes.users)} renames, one client`, result.bursts),
    row(`single renames at ${n(sizes.ratePerSec)}/s`, result.steady),
    '',
    'Caps bound: from that many changes on, every queue that ran jobs kept as many completed jobs and events ' +
      'as retention allows. Growth: least squares over the readings from there on. At the target size: ' +
      'measured when the run was that large, otherwise extrapolated from that growth (none when it was ' +
      'negative).',
    '',
    ...details('Bursts', result.bursts),
    ...details('Steady rate', result.steady),
  ];
  return `${lines.join('\n')}\n`;
}

function row(label: string, scenario: ScenarioResult): string {
  const { figure, met } = verdict(scenario);
  const measured = scenario.changes >= scenario.fullChanges;
  const atSize =
    figure === undefined
      ? 'not established (caps did not bind)'
      : `${mib(figure)} at ${n(scenario.fullChanges)}${measured ? '' : ' (extrapolated)'}`;
  // `|| 0`: a slope that rounds to -0 reads as 0.
  const growth =
    scenario.bytesPerChangeAfterCaps === undefined
      ? '–'
      : `${n(scenario.bytesPerChangeAfterCaps || 0)} B/change`;
  return (
    `| ${label} | ${n(scenario.changes)} | ${mib(scenario.final.usedMemory)} | ${mib(scenario.peak)} | ` +
    `${n(scenario.capsBoundAt)} | ${growth} | ${atSize} | ` +
    `${met === undefined ? '–' : met ? 'met' : '**not met**'} |`
  );
}

function details(title: string, scenario: ScenarioResult): string[] {
  const { census } = scenario;
  const caps = census.caps.filter(cap => cap.completed + cap.failed + cap.events > 0);
  const readings = spread(scenario.timeline, TIMELINE_POINTS).map(
    point => `${n(point.changes)}: ${mib(point.usedMemory)}`,
  );
  const omitted = scenario.timeline.length > readings.length ? ' (every reading in the .json)' : '';
  return [
    `## ${title}`,
    '',
    `${n(scenario.changes)} changes in ${n(scenario.seconds)} s. used_memory ${mib(scenario.baseline)} with ` +
      `\`all\` started, ${mib(scenario.final.usedMemory)} at the end (dataset ${mib(scenario.final.usedMemoryDataset)}), ` +
      `peak ${mib(scenario.peak)}. \`all\`: ${n(scenario.service.completed)} jobs completed, ` +
      `${n(scenario.service.failed)} failed, ${n(scenario.service.deadLetter)} in dead-letter; after SIGTERM it ` +
      `exited with ${describeExit(scenario.allExit)}.`,
    '',
    `used_memory by changes processed${omitted}: ${readings.join(', ')}.`,
    '',
    `Keys at the end: ${n(census.keys)}, ${mib(census.bytes)} by \`MEMORY USAGE\`.`,
    '',
    '| keys | count | MEMORY USAGE |',
    '| --- | ---: | ---: |',
    ...census.groups
      .slice(0, 12)
      .map(group => `| \`${group.group}\` | ${n(group.keys)} | ${mib(group.bytes)} |`),
    '',
    '| queue | completed | failed | events (XLEN) |',
    '| --- | ---: | ---: | ---: |',
    ...caps.map(cap => `| ${cap.queue} | ${n(cap.completed)} | ${n(cap.failed)} | ${n(cap.events)} |`),
    '',
    `Largest keys: ${census.largest.map(key => `\`${key.key}\` ${n(key.bytes / 1024)} KiB`).join(', ')}.`,
    '',
  ];
}

/** Readings shown in the markdown; a full-size run has hundreds. */
const TIMELINE_POINTS = 12;

/** Up to `count` points, evenly spread, the first and the last included. */
function spread<T>(points: readonly T[], count: number): T[] {
  if (points.length <= count) return [...points];
  const step = (points.length - 1) / (count - 1);
  return Array.from({ length: count }, (_, i) => points[Math.round(i * step)]);
}
