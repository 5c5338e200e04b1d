/**
 * Which servers a booting role is still waiting for, and why: what /readyz says before the role is up
 * (SPEC §6, "say which one is down"). Once the role runs, /readyz pings the servers themselves.
 */
import type { ReadinessProbe } from '../http/readiness-probe';

export const DEPENDENCIES = ['mongodb', 'redis'] as const;
export type DependencyName = (typeof DEPENDENCIES)[number];

export class DependencyStatus {
  private readonly waiting = new Map<DependencyName, string>();
  private readonly connected = new Set<DependencyName>();

  /** `reason` is what /readyz shows, e.g. "waiting for MongoDB at mongodb://host:27017/app (ECONNREFUSED)". */
  markDown(name: DependencyName, reason: string): void {
    this.connected.delete(name);
    this.waiting.set(name, reason);
  }

  markUp(name: DependencyName): void {
    this.waiting.delete(name);
    this.connected.add(name);
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
