/** GET /metrics: the process's Prometheus registry in the text exposition format. */
import type { Registry } from 'prom-client';
import type { HttpResponse } from '../http-response';

export async function metrics(registry: Registry): Promise<HttpResponse> {
  return { status: 200, body: await registry.metrics(), contentType: registry.contentType };
}
