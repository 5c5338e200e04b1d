/**
 * cost-profile.ts's findings as markdown, and the shaping they need: MongoDB commands grouped by shape,
 * and the last change's requests as a timeline of what reached the proxies, ms after its write.
 */
import { commandShape } from './mongo-shape';
import { MONITORING_COMMANDS, type MongoCommand } from './mongo-wire-tap';
import type { Cost } from './operator-cost';
import type { SingleResult } from './operator-single';
import type { RoleProfile } from './cost-profile-split';
import type { Tally } from './redis-monitor-tally';
import type { RedisCommandSeen } from './redis-wire-tap';
import { formatNumber as n } from './stats';

export interface ProfileSettings {
  changes: number;
  users: number;
  rttMs: number;
  env: Record<string, string>;
  idleMs: number;
}

/** `user-sync all`'s pass, per change. */
export interface AllProfile {
  single: SingleResult;
  /** The last change's requests as they reached the proxies, ms after its write. */
  timeline: string[];
  /** Per change, idle taken off. */
  net: Cost;
  shapes: Record<string, number>;
  monitor: Tally;
}

/** Every request of the last change until its convergence and 200 ms on, in arrival order. */
export function timeline(single: SingleResult, mongo: MongoCommand[], redis: RedisCommandSeen[]): string[] {
  const last = single.writes[single.writes.length - 1];
  if (last === undefined) return [];
  const end = last.at + (last.ms ?? 1000) + 200;
  const rows = [
    ...mongo
      .filter(command => !MONITORING_COMMANDS.has(command.name))
      .map(command => ({ at: command.at, text: `MongoDB #${command.connection} ${commandShape(command)}` })),
    ...redis.map(command => ({
      at: command.at,
      text: `Redis #${command.connection} ${command.name}${command.opensRoundTrip ? '' : ' (pipelined)'}`,
    })),
  ].filter(row => row.at >= last.at && row.at <= end);
  rows.sort((a, b) => a.at - b.at);
  return [
    ...rows.map(row => `${(row.at - last.at).toFixed(1).padStart(7)} ms  ${row.text}`),
    `${(last.ms ?? NaN).toFixed(1).padStart(7)} ms  every copy seen by the benchmark's poll`,
  ];
}

export function countShapes(log: MongoCommand[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const command of log) {
    if (MONITORING_COMMANDS.has(command.name)) continue;
    const shape = commandShape(command);
    counts[shape] = (counts[shape] ?? 0) + 1;
  }
  return counts;
}

export function subtractShapes(
  counts: Record<string, number>,
  idle: Record<string, number>,
  scale: number,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts).map(([shape, count]) => [shape, count - (idle[shape] ?? 0) * scale]),
  );
}

function settings(env: Record<string, string>): string {
  const given = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  return given.length === 0 ? 'defaults' : `defaults but ${given.join(' ')}`;
}

export function renderProfile(options: ProfileSettings, all: AllProfile, split: RoleProfile[]): string {
  const sorted = (values: Record<string, number>) =>
    Object.entries(values)
      .filter(([, value]) => Math.abs(value) >= 0.1)
      .sort((a, b) => b[1] - a[1]);
  const { net, single } = all;
  const lines = [
    `## Profile of one change (${options.changes} isolated renames, ${options.users} users, RTT ${options.rttMs} ms)`,
    '',
    `\`user-sync all\` at ${settings(options.env)}: per change ${n(net.mongoCommands)} MongoDB commands (hello/ping left out), ` +
      `${n(net.redisCalls)} Redis calls (INFO commandstats), ${n(net.redisWire.commands)} Redis commands sent, ` +
      `${n(net.redisWire.roundTrips)} Redis round trips; write → every copy p50 ${n(single.p50Ms)} ms, ` +
      `max ${n(single.maxMs)} ms. Idle background over ${options.idleMs / 1000} s taken off.`,
    '',
    '### MongoDB commands per change, by shape',
    '',
    '| command, collection, filter shape | per change |',
    '| --- | ---: |',
    ...sorted(all.shapes).map(([shape, value]) => `| \`${shape}\` | ${n(value)} |`),
    '',
    '### Redis per change, by queue and command (MONITOR; `inside` = calls a Lua script made)',
    '',
    '| queue · command | sent | inside | total |',
    '| --- | ---: | ---: | ---: |',
    ...Object.entries(all.monitor)
      .filter(([, row]) => Math.abs(row.sent) + Math.abs(row.inside) >= 0.1)
      .sort((a, b) => b[1].sent + b[1].inside - (a[1].sent + a[1].inside))
      .map(([key, row]) => `| ${key} | ${n(row.sent)} | ${n(row.inside)} | ${n(row.sent + row.inside)} |`),
    '',
    '### Redis calls per change by command (INFO commandstats)',
    '',
    sorted(net.redisCallsByName)
      .map(([name, value]) => `${name} ${n(value)}`)
      .join(', '),
    '',
    '### Redis commands sent and round trips per change (proxy)',
    '',
    `sent: ${sorted(net.redisWire.byName)
      .map(([name, value]) => `${name} ${n(value)}`)
      .join(', ')}; round trips opened by: ${sorted(net.redisWire.roundTripsByOpener)
      .map(([name, value]) => `${name} ${n(value)}`)
      .join(', ')}`,
    '',
    '### Timeline of the last change (requests as they reached the proxies; #n = connection)',
    '',
    '```',
    ...all.timeline,
    '```',
    '',
    '### Split into processes (listener + one worker per queue, each behind its own proxies)',
    '',
    '| process | MongoDB | by target | Redis sent | Redis round trips | Redis sent, by command |',
    '| --- | ---: | --- | ---: | ---: | --- |',
    ...split.map(
      role =>
        `| ${role.role} | ${n(role.mongoCommands)} | ${sorted(role.mongoByTarget)
          .map(([key, value]) => `${key} ${n(value)}`)
          .join(', ')} | ${n(role.redisCommands)} | ${n(role.redisRoundTrips)} | ${sorted(role.redisByName)
          .map(([key, value]) => `${key} ${n(value)}`)
          .join(', ')} |`,
    ),
    `| all | ${n(split.reduce((sum, role) => sum + role.mongoCommands, 0))} | | ${n(
      split.reduce((sum, role) => sum + role.redisCommands, 0),
    )} | ${n(split.reduce((sum, role) => sum + role.redisRoundTrips, 0))} | |`,
  ];
  return lines.join('\n');
}
