/**
 * SPEC §5: on Redis Cluster every key of a queue must hash to one slot, or BullMQ's scripts fail with
 * CROSSSLOT. Redis hashes only a key's hash tag (the text between its first `{` and the next `}`, when not
 * empty), so a prefix that carries one puts every queue, the listener's lease and its checkpoint in one
 * slot; a prefix without one is wrapped whole: `user-sync` becomes `{user-sync}`.
 */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  if (open === -1) return false;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1;
}

export function clusterSafePrefix(
  prefix: string,
  cluster: boolean,
): { prefix: string; wrappedFrom: string | undefined } {
  if (!cluster || hasHashTag(prefix)) return { prefix, wrappedFrom: undefined };
  return { prefix: `{${prefix}}`, wrappedFrom: prefix };
}
