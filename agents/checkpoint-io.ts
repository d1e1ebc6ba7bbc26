import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RxgymError } from '../src/core/env.js';
import type { Space } from '../src/core/spaces.js';
import { spaceFromJSON } from '../src/core/space-json.js';
import { Rng, type RngState } from '../src/core/rng.js';
import { writeFileAtomic } from '../src/tensor/io.js';

/** The identity an agent checks before loading saved weights: its type and the spaces it was built for. */
export interface AgentIdentity {
  type: string;
  observationSpace: unknown;
  actionSpace: unknown;
}

/** Identity of an agent built for these spaces. */
export function identity(type: string, obs: Space<unknown>, act: Space<unknown>): AgentIdentity {
  return { type, observationSpace: obs.toJSON(), actionSpace: act.toJSON() };
}

/** Throw a clear error unless saved metadata matches this agent. */
export function checkIdentity(dir: string, saved: Record<string, unknown>, mine: AgentIdentity): void {
  if (saved.type !== mine.type) {
    throw new RxgymError(
      `the checkpoint in ${dir} holds a "${String(saved.type)}" agent, this run uses "${mine.type}"; resume from ` +
        `or load a ${mine.type} checkpoint instead, or start a new run directory`,
    );
  }
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(b);
  if (!same(saved.observationSpace, mine.observationSpace) || !same(saved.actionSpace, mine.actionSpace)) {
    throw new RxgymError(
      `the checkpoint in ${dir} was trained on another env (observation/action spaces differ: saved ` +
        `${JSON.stringify(saved.observationSpace)} / ${JSON.stringify(saved.actionSpace)}); use a checkpoint of this ` +
        `env`,
    );
  }
}

/**
 * A saved space description as this build writes it: checkpoints written before Box bounds were encoded hold `null`
 * for an infinite bound, which must still match. A description that does not parse is compared as it is.
 */
function canonical(saved: unknown): unknown {
  try {
    return spaceFromJSON(saved).toJSON();
  } catch {
    return saved;
  }
}

/** Save an agent's small JSON state (RNG, counters). */
export function saveAgentState(dir: string, name: string, state: { rng: RngState } & Record<string, unknown>): void {
  writeFileAtomic(join(dir, `${name}-state.json`), JSON.stringify(state));
}

/** Load what `saveAgentState` wrote, with the RNG rebuilt. */
export function loadAgentState(dir: string, name: string): { rng: Rng; state: Record<string, unknown> } {
  const p = join(dir, `${name}-state.json`);
  if (!existsSync(p)) throw new RxgymError(`${p} is missing: the checkpoint is incomplete or from another agent`);
  const state = JSON.parse(readFileSync(p, 'utf8')) as { rng: RngState } & Record<string, unknown>;
  return { rng: Rng.fromState(state.rng), state };
}
