import { RxgymError } from './env.js';

/**
 * What an env can do beyond the Env contract, declared by the env instead of guessed by the kernel or the application
 * from its id, its observation key names or its class. Plain JSON, so a worker can send it to the main thread.
 */
export interface EnvCapabilities {
  /** Observation keys whose arrays hold text (character codes of a message line), encoded by the text encoder. */
  readonly textKeys?: readonly string[];
  /**
   * Observation keys whose integer arrays hold token ids (0 = padding) of one vocabulary shared by these keys, with
   * the Box's `high` as the largest id: the networks embed each token instead of reading ids as numbers or maps.
   */
  readonly tokenKeys?: readonly string[];
  /** How an exploration tracker reads the agent's cell from a transition. */
  readonly exploration?: ExplorationCell;
  /**
   * The layout does not depend on the reset seed by design (a fixed maze): the env checker then skips its
   * "different seeds give different first observations" check.
   */
  readonly fixedLayout?: boolean;
  /**
   * Each step is one reasoning step: `info` carries its text (`stepText`), the problem it belongs to (`problemId`, a
   * number that changes when a new problem is drawn) and, for evaluation only, its ground truth (`stepCorrect`,
   * `stepUseful`, `onTrack`); process reward sources need it. The rollout copies them into `batch.stepLabels`.
   */
  readonly stepLabels?: boolean;
  /** The env renders RGB frames on request (`FrameSource`), for consumers that read pixels (VLM rewards). */
  readonly frames?: FrameCapability;
}

/** What an env can render: the views (`camera` values) it knows, the first being the default. */
export interface FrameCapability {
  readonly cameras: readonly string[];
}

/** Per-step frames a consumer asks for: size in pixels and the view (default: the env's first camera). */
export interface FrameRequest {
  readonly width: number;
  readonly height: number;
  readonly camera?: string;
}

/** Refuses a frame request whose width or height is not an integer in [8, 2048], naming the env (`id`). */
export function checkFrameSize(id: string, req: FrameRequest): void {
  for (const [k, v] of [
    ['width', req.width],
    ['height', req.height],
  ] as const) {
    if (!Number.isInteger(v) || v < 8 || v > 2048)
      throw new RxgymError(`${id}: frame ${k} must be an integer in [8, 2048], got ${v}`);
  }
}

/**
 * An env with the `frames` capability: after `requestFrames(req)` every `step()` puts `info.frame`, an RgbFrame of
 * the state after the step, in a buffer the env reuses (copy what you keep); `requestFrames(null)` stops it.
 * Through the vector envs this runs inside each sub-env's thread, and same-step autoreset keeps the last frame of an
 * episode in `finalInfo.frame`.
 */
export interface FrameSource {
  requestFrames(req: FrameRequest | null): void;
}

/**
 * Where an env's exploration cell is read:
 * - `grid`: integer coordinates at `x`, `y` (and `depth`) of the flat observation key `key` (cell = depth x level
 *   size + y x width + x); `cells` is the number of reachable cells when it is known (coverage).
 * - `box`: a grid of `resolution`-sized squares over the first two entries of observation key `key`, clamped to
 *   `[low, high]` of the space where it is finite.
 * - `live`: the env computes its own cell after every step (`ExplorationCellSource`), for observations that do not
 *   carry the position; only in-process vector envs can read it.
 */
export type ExplorationCell =
  | {
      readonly kind: 'grid';
      readonly key: string;
      readonly x: number;
      readonly y: number;
      readonly depth?: number;
      readonly width: number;
      readonly cells?: number;
    }
  | { readonly kind: 'box'; readonly key: string; readonly resolution: number }
  | { readonly kind: 'live' };

/** An env whose `exploration` capability is `live`: its current cell and depth, read right after a step. */
export interface ExplorationCellSource {
  explorationCell(): { cell: number; depth: number };
}

/** An env that declares capabilities. */
export interface CapableEnv {
  readonly capabilities: EnvCapabilities;
}

/** The capabilities `env` declares (none when it declares nothing); looks through wrappers' `unwrapped`. */
export function capabilitiesOf(env: unknown): EnvCapabilities {
  let e = env as { capabilities?: EnvCapabilities; unwrapped?: unknown } | undefined;
  for (let i = 0; i < 64 && e; i++) {
    if (e.capabilities) return e.capabilities;
    if (!e.unwrapped || e.unwrapped === e) break;
    e = e.unwrapped as typeof e;
  }
  return {};
}

/** True when `env` computes its own exploration cell. */
export function isExplorationCellSource(env: unknown): env is ExplorationCellSource {
  return typeof (env as Partial<ExplorationCellSource> | undefined)?.explorationCell === 'function';
}
