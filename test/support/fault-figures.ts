/**
 * What the fault tests measured, printed to stderr (`[faults] ...`) where jest shows it and the CI log
 * keeps it, so the figures in the README can be checked against a run.
 */
export function reportFigure(what: string, figures: Record<string, number | string>): void {
  const text = Object.entries(figures)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  process.stderr.write(`[faults] ${what}: ${text}\n`);
}

/** Calls `sample` every `everyMs` until `until` settles; resolves with what it returned (errors skipped). */
export async function sampleWhile<T>(
  until: Promise<unknown>,
  sample: () => Promise<T>,
  everyMs = 250,
): Promise<T[]> {
  const samples: T[] = [];
  let done = false;
  const finished = until.then(
    () => void (done = true),
    () => void (done = true),
  );
  while (!done) {
    try {
      samples.push(await sample());
    } catch {
      // A scrape that fails while the server is away is not a sample.
    }
    await Promise.race([finished, new Promise(resolve => setTimeout(resolve, everyMs))]);
  }
  await until;
  return samples;
}
