/**
 * GET /healthz: the process is alive and its event loop turns. It checks no dependency on purpose: a
 * liveness probe that fails while MongoDB is down gets every pod restarted, which fixes nothing.
 */
import type { HttpResponse } from '../http-response';

export function healthz(): HttpResponse {
  return { status: 200, body: { status: 'ok' } };
}
