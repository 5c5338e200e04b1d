/**
 * Notices when the process that started this one is gone. `npm run dev` runs dev under `sh -c`; a SIGTERM
 * sent to npm itself reaches that shell, which dies of it without passing it on, and npm exits too. dev
 * would run on as an orphan, holding its ports and its redis-server. Orphans are re-parented, so a changed
 * parent pid is the sign, on every platform, whatever killed the parent.
 */
export interface WatchParentOptions {
  /** @defaultValue 500 */
  everyMs?: number;
  /** @defaultValue () => process.ppid */
  parentPid?: () => number;
}

/** Calls `onGone` once when the parent changes; returns a stop function. Never keeps the process alive. */
export function watchParent(onGone: () => void, options: WatchParentOptions = {}): () => void {
  const parentPid = options.parentPid ?? (() => process.ppid);
  const original = parentPid();
  const timer = setInterval(() => {
    if (parentPid() === original) return;
    clearInterval(timer);
    onGone();
  }, options.everyMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}
