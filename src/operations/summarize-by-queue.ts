/** `owner-sync ×2, manager-sync ×1`: how `replay` and `retry` say what they did, busiest queue first. */
export function summarizeByQueue(items: readonly { queue: string }[]): string {
  const counts = new Map<string, number>();
  for (const { queue } of items) counts.set(queue, (counts.get(queue) ?? 0) + 1);
  return [...counts]
    .sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b))
    .map(([queue, count]) => `${queue} ×${count}`)
    .join(', ');
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
