/** Running min/mean/max of one reward component. */
export interface ComponentStat { count: number; mean: number; min: number; max: number }

/** Accumulates per-component statistics over batches (Eureka's reflection reads them). */
export class ComponentStats {
  private readonly stats = new Map<string, ComponentStat>();

  /** Add the values of `name` where `mask` (when given) is 1; NaN values are left out. */
  add(name: string, values: ArrayLike<number>, mask?: Uint8Array): ComponentStat {
    let s = this.stats.get(name);
    if (!s) this.stats.set(name, (s = { count: 0, mean: 0, min: Infinity, max: -Infinity }));
    const batch = { count: 0, mean: 0, min: Infinity, max: -Infinity };
    for (let i = 0; i < values.length; i++) {
      if (mask && mask[i] !== 1) continue;
      const v = values[i]!;
      if (v !== v) continue;
      batch.count++;
      batch.mean += (v - batch.mean) / batch.count;
      if (v < batch.min) batch.min = v;
      if (v > batch.max) batch.max = v;
      s.count++;
      s.mean += (v - s.mean) / s.count;
      if (v < s.min) s.min = v;
      if (v > s.max) s.max = v;
    }
    return batch;
  }

  /** A copy of every component's statistics. */
  snapshot(): Record<string, ComponentStat> {
    return Object.fromEntries([...this.stats].map(([k, v]) => [k, { ...v }]));
  }
}
