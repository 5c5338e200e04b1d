/**
 * Runs a `user-sync` command as a real child process, the way an operator or Kubernetes does, so tests can
 * SIGKILL it mid-flight. Its JSON log lines are kept for `waitForLog`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { trackChildProcess } from './leak-guard';

const ROOT = join(__dirname, '..', '..');
/**
 * tsx as a loader inside one node process: the `tsx` binary is a wrapper that spawns node as its child,
 * and a SIGKILL sent to the wrapper would leave that child (the real listener) running.
 */
const NODE_ARGS = ['--import', 'tsx'];

export interface RoleProcess {
  child: ChildProcess;
  output(): string;
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export function spawnRole(args: string[], env: Record<string, string>): RoleProcess {
  const child = trackChildProcess(
    spawn(process.execPath, [...NODE_ARGS, join(ROOT, 'src/cli/bin.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    `user-sync ${args.join(' ')}`,
  );
  let output = '';
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const wake of waiters) wake();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | string>(resolve =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    child,
    output: () => output,
    exited,
    waitForLog(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no log line matching ${pattern} within ${timeoutMs} ms; output:\n${output.slice(-3000)}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
