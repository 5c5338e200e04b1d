/**
 * Which servers a booting role is still waiting for, and why: what /readyz says before the role is up
 * (SPEC §6, "say which one is down"). Once the role runs, /readyz pings the servers themselves.
 */
import type { ReadinessProbe } from '../http/readiness-probe';

export const DEPENDENCIES = ['mongodb', 'redis'] as const;
export type DependencyName = (typeof DEPENDENCIES)[number];

export const DEPENDENCY_LABELS: Record<DependencyName, string> = { mongodb: 'MongoDB', redis: 'Redis' };

export type DownListener = (name: DependencyName, reason: string) => void;

export class DependencyStatus {
  private readonly waiting = new Map<DependencyName, string>();
  private readonly connected = new Set<DependencyName>();
  private readonly downListeners: DownListener[] = [];

  /** `reason` is what /readyz shows, e.g. "waiting for MongoDB at mongodb://host:27017/app (ECONNREFUSED)". */
  markDown(name: DependencyName, reason: string): void {
    this.connected.delete(name);
    this.waiting.set(name, reason);
    for (const listener of this.downListeners) listener(name, reason);
  }

  markUp(name: DependencyName): void {
    this.waiting.delete(name);
    this.connected.add(name);
  }

  /** Told each time a server is found down while the role boots: `dev` prints what it waits for. */
  onDown(listener: DownListener): void {
    this.downListeners.push(listener);
  }

  /** The servers found down, in a fixed order, with their reasons. */
  down(): { name: DependencyName; reason: string }[] {
    return DEPENDENCIES.flatMap(name => {
      const reason = this.waiting.get(name);
      return reason === undefined ? [] : [{ name, reason }];
    });
  }

  /**
   * What the role waits for, in words, naming only what it must: "waiting for Redis" when only Redis is
   * down, "connecting to MongoDB" before a first attempt failed, "servers connected, role starting" after.
   */
  summary(): string {
    const down = this.down().map(({ name }) => DEPENDENCY_LABELS[name]);
    if (down.length > 0) return `waiting for ${down.join(' and ')}`;
    const pending = DEPENDENCIES.filter(name => !this.connected.has(name)).map(
      name => DEPENDENCY_LABELS[name],
    );
    return pending.length > 0 ? `connecting to ${pending.join(' and ')}` : 'servers connected, role starting';
  }

  /** One probe per server: ok once connected, its reason while waited for, "connecting" before either. */
  probes(): ReadinessProbe[] {
    return DEPENDENCIES.map(name => ({
      name,
      check: async () => {
        if (this.connected.has(name)) return;
        throw new Error(this.waiting.get(name) ?? 'connecting');
      },
    }));
  }
}
