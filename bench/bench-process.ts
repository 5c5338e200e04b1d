/**
 * What every standalone bench script does around its `main`: progress lines on stderr, and whatever it
 * started released on Ctrl-C, on SIGTERM and when `main` fails, so no emulator or redis-server outlives it.
 */
import type { Releasers } from '../src/lifecycle/releasers';

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function runBenchProcess(main: () => Promise<void>, releasers: Releasers): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping what the benchmark started`);
      void releasers
        .release()
        .catch(() => undefined)
        .finally(() => process.exit(130));
    });
  }
  main().catch(async (error: unknown) => {
    process.stderr.write(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await releasers.release().catch(() => undefined);
    process.exitCode = 1;
  });
}
