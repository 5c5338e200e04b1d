/**
 * How many documents one job touched, read from what the processors return (`ordersUpdated`,
 * `ordersRebuilt`, `ordersUpdatedInPlace`, `tasksUpdated`). Jobs that touch no orders or tasks at all
 * (owner-sync) report nothing, so the per-change histograms describe only jobs that fan out.
 */
export interface ChangeFanOut {
  orders?: number;
  tasks?: number;
  ordersRebuilt: number;
}

const ORDER_FIELDS = ['ordersUpdated', 'ordersRebuilt', 'ordersUpdatedInPlace'] as const;

export function changeFanOut(result: unknown): ChangeFanOut {
  if (typeof result !== 'object' || result === null) return { ordersRebuilt: 0 };
  const fields = result as Record<string, unknown>;
  const count = (name: string): number | undefined => {
    const value = fields[name];
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const orderCounts = ORDER_FIELDS.map(count).filter((value): value is number => value !== undefined);
  return {
    orders: orderCounts.length > 0 ? orderCounts.reduce((sum, value) => sum + value, 0) : undefined,
    tasks: count('tasksUpdated'),
    ordersRebuilt: count('ordersRebuilt') ?? 0,
  };
}
