import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNothingLeaked, trackChildProcess } from '../../support/leak-guard';
import { isRunning, processGroupMembers } from '../../support/process-group';
import { waitUntil } from '../../support/wait-until';

const REPO = join(__dirname, '..', '..', '..');
const RUNS = 5;
const STOP_LIMIT_MS = 5000;

/**
 * Ctrl-C on `npm run dev -- --simulate`, as a terminal sends it: one SIGINT to the whole process group
 * (npm, its shell, node, tsx's esbuild), while simulated changes keep jobs flowing. Every time, within
 * 5 s, everything dev started is gone (the redis-server, in a group of its own, too), without a forced
 * exit and without its temp dir. npm reports the interrupt the way a shell expects: killed by SIGINT.
 */
describe('Ctrl-C on `npm run dev -- --simulate`', () => {
  // One TMPDIR for all runs: tsx keeps its compile cache there, and dev's own temp dirs must not pile up.
  const tmp = mkdtempSync(join(tmpdir(), 'dev-ctrl-c-'));
  const stopTimesMs: number[] = [];
  afterAll(async () => {
    rmSync(tmp, { recursive: true, force: true });
    const sorted = [...stopTimesMs].sort((a, b) => a - b);
    if (sorted.length > 0) {
      process.stdout.write(
        `dev Ctrl-C stop times (ms): ${stopTimesMs.join(', ')}; median ${sorted[Math.floor(sorted.length / 2)]}, max ${sorted.at(-1)}\n`,
      );
    }
    await assertNothingLeaked();
  });

  it.each(Array.from({ length: RUNS }, (_, index) => index + 1))(
    'run %i: one SIGINT to the group stops every process within 5 s, cleanly',
    async () => {
      const npm = trackChildProcess(
        spawn('npm', ['run', 'dev', '--', '--simulate', '--simulate-every', '200'], {
          cwd: REPO,
          // Leads a process group of its own, as a shell's foreground job does.
          detached: true,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tmp, PORT: '0', LOG_LEVEL: 'info' },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
        'npm run dev',
      );
      const pgid = npm.pid as number;
      let output = '';
      npm.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
      npm.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve =>
        npm.once('exit', (code, signal) => resolve({ code, signal })),
      );
      try {
        const redisPid = await waitUntil(
          'the banner',
          () => /redis-server started for this run, pid (\d+)/.exec(output)?.[1],
          { timeoutMs: 60_000 },
        ).then(Number);
        await waitUntil(
          'three simulated changes',
          () => (output.match(/simulated a user change/g) ?? []).length >= 3,
          { timeoutMs: 20_000 },
        );
        const started = [...processGroupMembers(pgid), redisPid];
        expect(started).toEqual(expect.arrayContaining([pgid, redisPid]));
        expect(started.length).toBeGreaterThanOrEqual(4);

        const sent = Date.now();
        process.kill(-pgid, 'SIGINT');
        await waitUntil('every process dev started to end', () => started.every(pid => !isRunning(pid)), {
          timeoutMs: STOP_LIMIT_MS,
          everyMs: 20,
        });
        stopTimesMs.push(Date.now() - sent);

        expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
        expect(output).toContain('shutdown complete');
        expect(output).not.toMatch(/forcing exit|timed out|release failed/);
        expect(readdirSync(tmp).filter(name => name.startsWith('user-sync-'))).toEqual([]);
      } finally {
        if (npm.exitCode === null && npm.signalCode === null) process.kill(-pgid, 'SIGKILL');
      }
    },
    90_000,
  );
});
