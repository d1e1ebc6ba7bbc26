/** Running count/mean/std/min/max of one reward component. */
export interface ComponentStat {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

interface Acc extends ComponentStat {
  m2: number;
}

function fresh(): Acc {
  return { count: 0, mean: 0, std: 0, min: Infinity, max: -Infinity, m2: 0 };
}

function push(s: Acc, v: number): void {
  s.count++;
  const d = v - s.mean;
  s.mean += d / s.count;
  s.m2 += d * (v - s.mean);
  if (v < s.min) s.min = v;
  if (v > s.max) s.max = v;
}

function stat(s: Acc): ComponentStat {
  return { count: s.count, mean: s.mean, std: s.count > 0 ? Math.sqrt(s.m2 / s.count) : 0, min: s.min, max: s.max };
}

/** Accumulates per-component statistics over batches (Eureka's reflection reads them). */
export class ComponentStats {
  private readonly stats = new Map<string, Acc>();

  /**
   * Add the values of `name` where `mask` (when given) is 1; NaN values are left out. Returns this batch's statistics.
   */
  add(name: string, values: ArrayLike<number>, mask?: Uint8Array): ComponentStat {
    let s = this.stats.get(name);
    if (!s) this.stats.set(name, (s = fresh()));
    const batch = fresh();
    for (let i = 0; i < values.length; i++) {
      if (mask && mask[i] !== 1) continue;
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      push(batch, v);
      push(s, v);
    }
    return stat(batch);
  }

  /** A copy of every component's statistics. */
  snapshot(): Record<string, ComponentStat> {
    return Object.fromEntries([...this.stats].map(([k, v]) => [k, stat(v)]));
  }
}
