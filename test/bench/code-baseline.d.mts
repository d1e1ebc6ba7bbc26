import type { CollectedTransitions } from '../../rewards/code/transitions.js';
export type RewardFn = (prev: unknown, action: unknown, next: unknown, info: unknown) => number | { total: number };
export function inProcessReward(source: string): RewardFn;
export function runInProcess(fn: RewardFn, b: CollectedTransitions, n: number): Float64Array;
