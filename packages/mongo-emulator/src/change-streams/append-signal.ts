/**
 * Wakes cursors waiting in an awaitData getMore the moment something is appended. Resolving their
 * promises directly, rather than polling, is what keeps event latency at a few milliseconds.
 */
export interface Wait {
  /** Resolves on the next notify(), on cancel(), or after the timeout, whichever comes first. */
  readonly done: Promise<void>;
  cancel(): void;
}

export class AppendSignal {
  private readonly waiters = new Set<() => void>();

  wait(timeoutMs: number): Wait {
    let release!: () => void;
    const done = new Promise<void>(resolve => {
      const timer = setTimeout(() => release(), Math.max(0, timeoutMs));
      release = () => {
        clearTimeout(timer);
        this.waiters.delete(release);
        resolve();
      };
    });
    this.waiters.add(release);
    return { done, cancel: release };
  }

  notify(): void {
    if (this.waiters.size === 0) return;
    // Copy first: a woken waiter removes itself, and may register again within the same tick.
    for (const release of [...this.waiters]) release();
  }

  get waiting(): number {
    return this.waiters.size;
  }
}
