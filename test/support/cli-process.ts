/**
 * `user-sync <command>` as a real child process (`node --import tsx src/cli/bin.ts ...`), for the
 * long-running roles, whose signal handling and exit codes only a separate process can show. Tracked by
 * the leak guard; `stop()` sends SIGTERM and resolves with the exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { trackChildProcess } from './leak-guard';

const REPO = join(__dirname, '..', '..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout (or stderr with `stream`), rejects if the process exits first. */
  waitFor(
    pattern: RegExp,
    options?: { timeoutMs?: number; stream?: 'stdout' | 'stderr' },
  ): Promise<RegExpMatchArray>;
  exited: Promise<Exit>;
  /** SIGTERM (or `signal`), then the exit; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

export interface SpawnCliOptions {
  /** A command prefix the process runs under, such as `unshare ...` (see stalled-resolver.ts). */
  wrap?: string[];
}

export function spawnCli(
  args: string[],
  env: Record<string, string | undefined>,
  { wrap = [] }: SpawnCliOptions = {},
): CliProcess {
  const command = [...wrap, process.execPath, '--import', 'tsx', 'src/cli/bin.ts', ...args];
  const child = trackChildProcess(
    spawn(command[0], command.slice(1), {
      cwd: REPO,
      // Only what the test passes, plus what node itself needs: the process must not see the test's own
      // MONGO_URL / REDIS_URL unless the test hands them over.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    `user-sync ${args.join(' ')}`,
  );
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => void (output.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => void (output.stderr += chunk.toString()));
  const exited = new Promise<Exit>(resolve =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  return {
    child,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    exited,
    waitFor: (pattern, { timeoutMs = 60_000, stream = 'stdout' } = {}) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = output[stream].match(pattern);
          if (match === null) return false;
          finish();
          resolve(match);
          return true;
        };
        const onData = () => void check();
        const onChildGone = (code: number | null) => {
          finish();
          reject(
            new Error(`exited (${code}) before printing ${pattern}:\n${output.stdout}\n${output.stderr}`),
          );
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output.stdout}\n${output.stderr}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          child.stderr?.off('data', onData);
          child.off('exit', onChildGone);
        };
        if (check()) return;
        if (child.exitCode !== null || child.signalCode !== null) {
          onChildGone(child.exitCode);
          return;
        }
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        child.once('exit', onChildGone);
      }),
    stop: async (signal = 'SIGTERM', timeoutMs = 30_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
