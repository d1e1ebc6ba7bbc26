import { defineParams, type ParamsOf } from '../../src/core/params.js';

/** Options every MuJoCo env accepts. */
export const MUJOCO_PARAMS = defineParams({
  renderMode: {
    kind: 'enum',
    values: ['rgb_array'],
    optional: true,
    doc: "'rgb_array' enables render(); unset disables it",
  },
  width: { kind: 'number', integer: true, min: 8, max: 2048, default: 128, doc: 'frame width in pixels' },
  height: { kind: 'number', integer: true, min: 8, max: 2048, default: 128, doc: 'frame height in pixels' },
  camera: {
    kind: 'string',
    optional: true,
    doc: 'a camera of the model, or \'free\' (default: its "track" or "front" camera when it has one, else \'free\')',
  },
  clipActions: {
    kind: 'boolean',
    default: false,
    doc: 'clip out-of-range actions to the action space instead of raising (default: out-of-range is an error)',
  },
  seed: { kind: 'number', default: 0, doc: 'seed used when the first reset() gets none' },
});

/** Keyword arguments every MuJoCo env accepts. */
export type MujocoCommonKwargs = Partial<ParamsOf<typeof MUJOCO_PARAMS>>;

/** `resetNoiseScale`, with the env's own default. */
export const noiseParams = (scale: number) =>
  defineParams({
    resetNoiseScale: { kind: 'number', default: scale, doc: 'scale of the noise added to the initial state' },
  });

/** Bodies that can fall: `terminateWhenUnhealthy` (default true) and their reset noise. */
export const healthParams = (scale: number) =>
  defineParams({
    ...noiseParams(scale),
    terminateWhenUnhealthy: {
      kind: 'boolean',
      default: true,
      doc: 'end the episode when the body leaves its healthy range',
    },
  });
