/**
 * Prints which backend a test file got, once per file and service, to stderr, where jest shows it and the
 * CI log keeps it: `[backends] mongo=emulator (test/integration/db/models.test.ts)`.
 */
import { relative } from 'node:path';

const reported = new Set<string>();

export function reportBackend(service: 'mongo' | 'redis', description: string): void {
  const testPath = currentTestPath();
  const key = `${service}|${testPath}`;
  if (reported.has(key)) return;
  reported.add(key);
  process.stderr.write(`[backends] ${service}=${description}${testPath ? ` (${testPath})` : ''}\n`);
}

function currentTestPath(): string {
  const state = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.();
  return state?.testPath ? relative(process.cwd(), state.testPath) : '';
}
