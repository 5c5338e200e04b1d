/**
 * A command of the operator scenario as its own OS process: the emulator, `user-sync all`, `resync`. Only a
 * separate process shows what an operator sees (its exit code, its memory, its signal handling), and it
 * keeps the benchmark's own work off the measured process's event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BenchProcess {
  name: string;
  child: ChildProcess;
  /** The tail of stdout and stderr, interleaved, for error messages. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  exited: Promise<Exit>;
  /** SIGTERM, then the exit; SIGKILL after `timeoutMs`. Idempotent. */
  stop(timeoutMs?: number): Promise<Exit>;
}

// Enough for a stack trace or a startup error; a chatty process must not grow our memory.
const OUTPUT_TAIL_CHARS = 64 * 1024;

export function spawnProcess(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
): BenchProcess {
  // Only the variables given, plus what a process needs to run: a MONGO_URL or WORKER_CONCURRENCY in the
  // benchmark's own environment must not change the service's settings behind the report's back.
  // Profiling the node processes under test: BENCH_CHILD_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR' (node
  // refuses --cpu-prof in NODE_OPTIONS). A profile is written when the process exits.
  const nodeArgs =
    command === process.execPath ? (process.env.BENCH_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? []) : [];
  const child = spawn(command, [...nodeArgs, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  // The whole output, for diagnosing a run afterwards: BENCH_LOG_DIR=DIR keeps one file per process.
  const logDir = process.env.BENCH_LOG_DIR;
  const logFile = logDir === undefined ? undefined : join(logDir, `${name.replace(/\W+/g, '-')}.log`);
  const onData = (chunk: Buffer) => {
    if (logFile !== undefined) appendFileSync(logFile, chunk);
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<Exit>(resolve => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A binary that cannot start never emits exit: report it as one, so no caller waits forever.
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null || child.pid === undefined;

  let stopping: Promise<Exit> | undefined;
  return {
    name,
    child,
    output: () => output,
    exited,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        const check = () => {
          const match = output.match(pattern);
          if (match === null) return;
          finish();
          resolve(match);
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms; output:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(exit => {
          if (!listeners.has(check)) return;
          finish();
          reject(new Error(`${name} exited (${describeExit(exit)}) before printing ${pattern}:\n${output}`));
        });
        check();
      }),
    stop: (timeoutMs = 30_000) => {
      stopping ??= (async () => {
        if (!gone()) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };
}

export function describeExit(exit: Exit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/**
 * The process's peak resident set, sampled from Linux's VmHWM (a high-water mark, so a spike between two
 * samples still counts; only the last interval before the exit can be missed). `stop()` returns MiB, or
 * undefined where /proc does not exist.
 */
export function samplePeakRss(pid: number | undefined, everyMs = 100): { stop(): number | undefined } {
  let peakKiB: number | undefined;
  const sample = () => {
    try {
      const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peakKiB = Math.max(peakKiB ?? 0, Number(match[1]));
    } catch {
      // Not Linux, or the process is gone: keep the last reading.
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return peakKiB === undefined ? undefined : peakKiB / 1024;
    },
  };
}

/**
 * CPU seconds (user + system) a process has used so far; undefined off Linux or once it is gone. Less
 * noisy than wall time on a shared machine: two runs of the same work differ less in CPU than in seconds.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name, which is in parentheses and may hold spaces: utime is the 12th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux build this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
