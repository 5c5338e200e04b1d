/**
 * One Prometheus registry per process, never prom-client's global default: tests run several servers in
 * one process, and a library that registers on the global registry cannot leak series into ours.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { PROCESS_METRICS_PREFIX } from './metric-names';

export interface CreateMetricsRegistryOptions {
  /** Labels on every series, e.g. `{ role: 'worker' }`. */
  defaultLabels?: Record<string, string>;
  /** Node's process metrics (CPU, memory, event loop lag, GC). @defaultValue true */
  processMetrics?: boolean;
}

export function createMetricsRegistry(options: CreateMetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.processMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: PROCESS_METRICS_PREFIX });
  return registry;
}
