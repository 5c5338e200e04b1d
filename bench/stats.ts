/**
 * The few statistics the benchmark quotes. Medians rather than means: on a shared 2-core machine one
 * round that lost the CPU to another process would drag a mean but barely moves a median.
 */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of an unsorted sample; NaN for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Rounded to a precision that suits its size: 12,345 / 123 / 12.3 / 1.23. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A figure for a markdown cell: thousands separators, sensible decimals, "–" for a missing one. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  const rounded = round(value);
  return rounded.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** Rounds run the measured variants in alternating order, so a slow stretch of the machine hits both. */
export function alternate<T>(roundIndex: number, variants: readonly T[]): T[] {
  return roundIndex % 2 === 0 ? [...variants] : [...variants].reverse();
}

export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await run();
  return { ms: performance.now() - start, result };
}

export function mib(bytes: number): number {
  return round(bytes / 1024 / 1024);
}
