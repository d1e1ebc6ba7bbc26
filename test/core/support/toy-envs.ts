import {
  Box,
  Dict,
  Discrete,
  Rng,
  RxgymError,
  type Space,
  type Env,
  type Info,
  type RenderMode,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from './core.js';

type CountObs = { pos: Float32Array; count: number };

/**
 * A small Dict-observation env for vector tests: `pos` drifts by the action, `count` counts steps;
 * the episode terminates after `length` steps (length drawn from the seed), infos carry several value types.
 */
export class CounterEnv implements Env<CountObs, number> {
  readonly observationSpace = new Dict({
    pos: new Box(-100, 100, [2], 'float32'),
    count: new Discrete(50),
  }) as unknown as Space<CountObs>;
  readonly actionSpace = new Discrete(3);
  readonly metadata = { renderModes: ['ansi'] as RenderMode[] };
  readonly renderMode: RenderMode = 'ansi';
  private rng = new Rng(0);
  private count = 0;
  private length = 5;
  private pos = new Float32Array(2);
  closed = 0;

  reset(opts: ResetOptions = {}): ResetResult<CountObs> {
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    this.count = 0;
    this.length = this.rng.int(2, 8);
    this.pos = new Float32Array([this.rng.uniform(-1, 1), 0]);
    return { obs: { pos: this.pos.slice(), count: 0 }, info: { phase: 'start', length: this.length } };
  }

  step(action: number): StepResult<CountObs> {
    if (!this.actionSpace.contains(action)) throw new RxgymError(`CounterEnv: bad action ${action}`);
    this.count++;
    this.pos[0]! += action - 1;
    this.pos[1] = this.count;
    const terminated = this.count >= this.length;
    const info: Info = { even: this.count % 2 === 0, step: this.count };
    if (terminated) info.message = `done after ${this.count}`;
    return { obs: { pos: this.pos.slice(), count: this.count }, reward: action, terminated, truncated: false, info };
  }

  render(): string {
    return `count=${this.count}`;
  }

  close(): void {
    this.closed++;
  }
}
