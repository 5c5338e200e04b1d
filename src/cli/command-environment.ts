/**
 * The environment variables each command reads, for its `--help`: grouped as docs/configuration.md
 * groups them, from the same table (ENV_DOCS), so a new variable shows up in both.
 */
import { ENV_DOCS, ENV_GROUPS, type EnvGroup, type EnvVariable } from '../config/env-docs';

const SERVICE: readonly EnvGroup[] = [
  'mongo',
  'redis',
  'retention',
  'jobs',
  'http',
  'logging',
  'lifecycle',
  'collections',
];
const EVERYTHING = Object.keys(ENV_GROUPS) as EnvGroup[];

/** By command name; a command missing here reads no variables of its own. */
export const COMMAND_ENVIRONMENT: Record<string, readonly EnvGroup[]> = {
  listener: [...SERVICE, 'listener', 'sync'],
  worker: [...SERVICE, 'sync', 'identity'],
  dashboard: SERVICE,
  webhooks: [...SERVICE, 'identity'],
  all: EVERYTHING,
  dev: EVERYTHING,
  replay: ['redis', 'jobs', 'logging', 'lifecycle'],
  retry: ['redis', 'jobs', 'logging', 'lifecycle'],
  resync: ['mongo', 'redis', 'jobs', 'logging', 'lifecycle', 'sync', 'collections'],
  verify: ['mongo', 'redis', 'jobs', 'logging', 'lifecycle', 'sync', 'collections'],
  'import-identities': ['redis', 'jobs', 'logging', 'lifecycle', 'identity'],
  'mongo-emulator': ['logging'],
};

/** The block `--help` prints after a command's options; empty for a command that reads none. */
export function environmentHelp(command: string): string {
  const groups = COMMAND_ENVIRONMENT[command];
  if (groups === undefined) return '';
  const lines = groups.map(group => {
    const names = (Object.keys(ENV_DOCS) as EnvVariable[]).filter(name => ENV_DOCS[name].group === group);
    return `  ${ENV_GROUPS[group]}: ${names.join(', ')}`;
  });
  return `\nEnvironment (each one in docs/configuration.md):\n${lines.join('\n')}\n`;
}
