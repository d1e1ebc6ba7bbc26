import { Box, Discrete, MultiDiscrete, type Space } from '../src/core/spaces.js';
import { Rng } from '../src/core/rng.js';
import type { ObsBatch } from '../src/stream/batch.js';
import type { ActOptions, PolicyOutput } from '../src/stream/policy.js';
import { defineAgent, type Agent, type AgentContext } from '../src/core/agent.js';
import { checkIdentity, identity, loadAgentState, saveAgentState } from './checkpoint-io.js';
import { writeFileAtomic } from '../src/tensor/io.js';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { RxgymError } from '../src/core/env.js';

/** Uniformly random actions (respecting discrete action masks); learns nothing. A baseline and a smoke test. */
export class RandomAgent implements Agent {
  readonly type = 'random';
  private rng: Rng;
  private readonly id;

  constructor(private readonly ctx: AgentContext) {
    this.rng = new Rng(ctx.seed);
    this.id = identity('random', ctx.observationSpace, ctx.actionSpace);
  }

  act(_obs: ObsBatch, count: number, opts: ActOptions = {}): PolicyOutput {
    const space = this.ctx.actionSpace;
    const rng = opts.evalRng ?? this.rng;
    if (space instanceof Discrete) {
      const actions = new Int32Array(count);
      for (let r = 0; r < count; r++) {
        const mask = opts.actionMask?.subarray(r * space.n, (r + 1) * space.n);
        actions[r] = (space.sample(rng, mask) as number) - space.start;
      }
      return { actions, envActions: space.start === 0 ? actions : actions.map((a) => a + space.start) };
    }
    const dim = (space as Box | MultiDiscrete).shape.reduce((a, b) => a * b, 1);
    const actions = new Float32Array(count * dim);
    for (let r = 0; r < count; r++) actions.set(space.sample(rng) as ArrayLike<number>, r * dim);
    return { actions };
  }

  learn(): Record<string, number> {
    return {};
  }

  save(dir: string): void {
    writeFileAtomic(join(dir, 'random.json'), JSON.stringify(this.id));
    saveAgentState(dir, 'random', { rng: this.rng.getState() });
  }

  loadWeights(dir: string): void {
    const p = join(dir, 'random.json');
    if (!existsSync(p)) throw new RxgymError(`no random-agent checkpoint in ${dir}: it was written by another agent`);
    checkIdentity(dir, JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>, this.id);
  }

  load(dir: string): void {
    this.loadWeights(dir);
    this.rng = loadAgentState(dir, 'random').rng;
  }

  dispose(): void {}
}

/** Registration record of the random agent. */
export const randomDefinition = defineAgent({
  type: 'random',
  description: 'uniformly random actions (baseline)',
  params: {
    numSteps: { kind: 'number', integer: true, positive: true, default: 128, doc: 'steps per env per rollout' },
  },
  rolloutSteps: (hp) => hp.numSteps,
  unsupported: (_o: Space<unknown>, a: Space<unknown>) =>
    a instanceof Discrete || a instanceof Box || a instanceof MultiDiscrete
      ? undefined
      : `random handles Discrete, Box and MultiDiscrete actions, not ${a.constructor.name}`,
  create: (_hp, ctx) => new RandomAgent(ctx),
});
