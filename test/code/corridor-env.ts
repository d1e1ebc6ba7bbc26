import type { DescribedEnv, Env, Info, ResetOptions, ResetResult, StepResult } from '../../src/core/env.js';
import { register, specs } from '../../src/core/registry.js';
import { Box, Discrete, type TypedArray } from '../../src/core/spaces.js';

/** The state of the test corridor. */
export interface CorridorState {
  pos: number;
  goal: number;
  visited: number[];
}

/** A 10-cell corridor for reward-code tests: action 0 steps left, 1 right; success at the goal cell 9. */
export class CorridorEnv implements Env<TypedArray, number>, DescribedEnv<CorridorState> {
  readonly observationSpace = new Box(0, 9, [1]);
  readonly actionSpace = new Discrete(2);
  readonly metadata = { renderModes: [] };
  private pos = 0;
  private visited: number[] = [];
  reset(_opts?: ResetOptions): ResetResult<TypedArray> {
    this.pos = 0;
    this.visited = [0];
    return { obs: Float32Array.of(0), info: {} };
  }
  step(action: number): StepResult<TypedArray> {
    this.pos = Math.max(0, Math.min(9, this.pos + (action === 1 ? 1 : -1)));
    if (!this.visited.includes(this.pos)) this.visited.push(this.pos);
    const success = this.pos === 9;
    const info: Info = { success, message: success ? 'You reach the goal.' : '' };
    return { obs: Float32Array.of(this.pos), reward: success ? 1 : 0, terminated: success, truncated: false, info };
  }
  render(): undefined {
    return undefined;
  }
  close(): void {}
  state(): CorridorState {
    return { pos: this.pos, goal: 9, visited: [...this.visited] };
  }
  get actionNames(): string[] {
    return ['left', 'right'];
  }
  describeState(): string {
    return (
      'interface CorridorState {\n  pos: number;       // cell 0..9\n  goal: number;      // the goal cell ' +
      '(9)\n  visited: number[]; // cells visited this episode\n}'
    );
  }
}

/** Register `Test-Corridor-v0` (idempotent). */
export function registerCorridor(): void {
  if (specs().some((s) => s.id === 'Test-Corridor-v0')) return;
  register({ id: 'Test-Corridor-v0', entryPoint: () => new CorridorEnv(), maxEpisodeSteps: 40, kwargs: {} });
}
