import { RewardConfigError, type RewardComponentConfig } from '../../src/core/reward.js';

/** The options of `source: vlm`, besides the stack-level keys. */
export const VLM_OPTIONS = [
  'goal',
  'baseline',
  'alpha',
  'encoder',
  'every',
  'camera',
  'width',
  'height',
  'batch',
  'http',
  'annotator',
] as const;

/** Which frames get a score: every k-th step of an episode (and its last), or only an episode's last frame. */
export type VlmEvery = number | 'episode-end';

/** Validated options of a vlm source. */
export interface VlmSettings {
  goals: string[];
  baselines: string[];
  alpha: number;
  encoder: string;
  every: VlmEvery;
  camera?: string;
  width?: number;
  height?: number;
  batch: number;
}

/** A neutral description of what an env shows, the default baseline: the scene without the goal. */
export function neutralBaseline(envId: string): string {
  if (envId.startsWith('Dungeon-')) return 'a dungeon';
  if (envId.startsWith('Manip-')) return 'a robot gripper above a table';
  if (envId.startsWith('Humanoid')) return 'a humanoid robot';
  if (envId.startsWith('InvertedPendulum')) return 'a cart with a pole';
  if (envId.startsWith('Explore-Arena')) return 'a dot in an arena';
  if (envId.startsWith('MountainCar-')) return 'a car in a valley';
  return 'a scene';
}

function sentences(cfg: RewardComponentConfig, key: string): string[] | undefined {
  const v = cfg[key];
  if (v === undefined) return undefined;
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw new RewardConfigError(
      key,
      `must be a non-empty sentence or a list of them, e.g. "the player is next to the stairs"; got ` +
        `${JSON.stringify(v)}`,
    );
  }
  return (list as string[]).map((s) => s.trim());
}

function positiveInt(cfg: RewardComponentConfig, key: string, max: number): number | undefined {
  const v = cfg[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw new RewardConfigError(key, `must be an integer from 1 to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Read and check a vlm component's options (errors name the key). */
export function vlmSettings(cfg: RewardComponentConfig, envId: string): VlmSettings {
  const goals = sentences(cfg, 'goal');
  if (!goals)
    throw new RewardConfigError(
      'goal',
      'missing: say what the agent should achieve, e.g. goal: "the player is next to the stairs"',
    );
  const baselines = sentences(cfg, 'baseline') ?? [neutralBaseline(envId)];
  const alpha = cfg.alpha ?? 0.5;
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) {
    throw new RewardConfigError(
      'alpha',
      `must be a number in [0, 1] (0: cosine to the goal, 1: position along goal - baseline), got ` +
        `${JSON.stringify(cfg.alpha)}`,
    );
  }
  // an object is an http encoder (`{ type: http, url, model, mode }`), checked by httpEncoderSpec
  const isHttpObject = typeof cfg.encoder === 'object' && cfg.encoder !== null && !Array.isArray(cfg.encoder);
  const encoder = isHttpObject ? 'http' : (cfg.encoder ?? 'builtin');
  if (typeof encoder !== 'string' || encoder === '') {
    throw new RewardConfigError(
      'encoder',
      `must be "builtin", "onnx:<dir>", "http" or { type: http, url, model, mode: judge | embeddings }, got ` +
        JSON.stringify(cfg.encoder),
    );
  }
  const every = cfg.every ?? 1;
  if (every !== 'episode-end' && !(typeof every === 'number' && Number.isInteger(every) && every >= 1)) {
    throw new RewardConfigError(
      'every',
      `must be a positive integer (score every k-th step) or "episode-end", got ${JSON.stringify(cfg.every)}`,
    );
  }
  const camera = cfg.camera;
  if (camera !== undefined && (typeof camera !== 'string' || camera === '')) {
    throw new RewardConfigError('camera', `must be a camera name of the env, got ${JSON.stringify(camera)}`);
  }
  return {
    goals,
    baselines,
    alpha,
    encoder,
    every: every as VlmEvery,
    ...(camera !== undefined ? { camera: camera as string } : {}),
    width: positiveInt(cfg, 'width', 2048),
    height: positiveInt(cfg, 'height', 2048),
    batch: positiveInt(cfg, 'batch', 65536) ?? 256,
  };
}
