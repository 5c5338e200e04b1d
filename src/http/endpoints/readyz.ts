/**
 * GET /readyz: 200 when every check passes, else 503 naming the checks that failed and why. All checks
 * run (in parallel) every time, so one answer shows everything that is wrong.
 */
import type { HttpResponse } from '../http-response';
import type { ReadinessProbe } from '../readiness-probe';

export interface ReadyzInput {
  probes: readonly ReadinessProbe[];
  /** Set once shutdown began: no longer ready, whatever the checks say. */
  draining: boolean;
}

export async function readyz({ probes, draining }: ReadyzInput): Promise<HttpResponse> {
  const results = await Promise.all(
    probes.map(async probe => {
      try {
        await probe.check();
        return [probe.name, 'ok'] as const;
      } catch (error) {
        return [probe.name, error instanceof Error ? error.message : String(error)] as const;
      }
    }),
  );
  const checks: Record<string, string> = Object.fromEntries(results);
  if (draining) checks.shutdown = 'shutting down';
  const failed = Object.keys(checks).filter(name => checks[name] !== 'ok');
  return failed.length === 0
    ? { status: 200, body: { status: 'ready', checks } }
    : { status: 503, body: { status: 'not ready', failed, checks } };
}
