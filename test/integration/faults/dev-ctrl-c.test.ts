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
 * exit and without its temp dir. npm reports the interrupt the way a shell expects: killed by SIGINT
 * (status 130). A SIGTERM to npm alone, which its shell swallows by dying, stops dev just as well.
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

  /** `npm run dev -- --simulate` leading its own process group, once its banner and three changes are out. */
  async function startDev() {
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
    const kill = () => {
      if (npm.exitCode === null && npm.signalCode === null) process.kill(-pgid, 'SIGKILL');
    };
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
      // npm, its shell, node and tsx's esbuild, then the redis-server outside the group.
      expect(started.length).toBeGreaterThanOrEqual(4);
      return { pgid, started, exited, output: () => output, kill };
    } catch (error) {
      kill();
      throw error;
    }
  }

  /** Milliseconds until every process dev started has ended; fails past the limit. */
  async function timeToStop(started: number[]): Promise<number> {
    const sent = Date.now();
    await waitUntil('every process dev started to end', () => started.every(pid => !isRunning(pid)), {
      timeoutMs: STOP_LIMIT_MS,
      everyMs: 20,
    });
    return Date.now() - sent;
  }

  function expectCleanStop(output: string) {
    expect(output).toContain('shutdown complete');
    expect(output).not.toMatch(/forcing exit|timed out|release failed/);
    expect(readdirSync(tmp).filter(name => name.startsWith('user-sync-'))).toEqual([]);
  }

  it.each(Array.from({ length: RUNS }, (_, index) => index + 1))(
    'run %i: one SIGINT to the group stops every process within 5 s, cleanly',
    async () => {
      const dev = await startDev();
      try {
        process.kill(-dev.pgid, 'SIGINT');
        stopTimesMs.push(await timeToStop(dev.started));
        expect(await dev.exited).toEqual({ code: null, signal: 'SIGINT' });
        expectCleanStop(dev.output());
      } finally {
        dev.kill();
      }
    },
    90_000,
  );

  it('SIGTERM to npm alone (its shell dies without passing it on) still stops dev within 5 s', async () => {
    const dev = await startDev();
    try {
      process.kill(dev.pgid, 'SIGTERM');
      await timeToStop(dev.started);
      expect(await dev.exited).toEqual({ code: null, signal: 'SIGTERM' });
      expect(dev.output()).toMatch(/the parent process exited/);
      expectCleanStop(dev.output());
    } finally {
      dev.kill();
    }
  }, 90_000);
});
