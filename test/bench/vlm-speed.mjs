// Speed of VLM rewards (issue 14): frames encoded per second by the built-in encoder (and the tiny test ONNX model,
// which only times the onnx plumbing, not a real CLIP), frames rendered per second per env family, and PPO training
// steps/s on InvertedPendulum-v0 with the VLM reward scored every step and every 4th step against the env's reward.
// Run after `npx tsc -p tsconfig.json`: node test/bench/vlm-speed.mjs
import { builtinRegistry, initBackend, setBackendLogger, startRun, loadScenario } from '../../dist/src/index.js';
import { rmSync } from 'node:fs';
import { openEncoder } from '../../dist/rewards/vlm/encoders.js';
import { playEpisodes } from '../../dist/rewards/vlm/play.js';

setBackendLogger(() => {});
await initBackend();
const registry = builtinRegistry();
const out = { encode: {}, render: {}, train: [] };
const play = (id, size, steps) =>
  playEpisodes({
    envs: registry.envs,
    envId: id,
    frames: { width: size, height: size },
    episodes: 1,
    seed: 7,
    policy: 'random',
    maxSteps: steps,
  });
for (const [id, size] of [
  ['Humanoid-Kneel-v0', 48],
  ['Manip-Reach-v0', 48],
  ['Dungeon-Room-15x15-v0', 48],
  ['Explore-Arena-v0', 48],
  ['Manip-Reach-v0', 224],
]) {
  play(id, size, 5);
  const t0 = performance.now();
  const p = play(id, size, 150);
  const t1 = performance.now();
  const q = play(id, 8, 150);
  const t2 = performance.now();
  // steps with frames minus the same steps with 8x8 frames: what a size x size frame costs on top of stepping
  const ms = (t1 - t0 - (t2 - t1)) / p.frames.count;
  out.render[`${id} ${size}x${size}`] = {
    msPerFrame: Math.round(ms * 100) / 100,
    steps: p.frames.count,
    msPerStepWith8x8: Math.round(((t2 - t1) / q.frames.count) * 100) / 100,
  };
  if (size === 48 && id === 'Manip-Reach-v0') out.frames48 = p.frames;
  if (size === 224) out.frames224 = p.frames;
}
for (const [spec, frames] of [
  ['builtin', out.frames48],
  ['onnx:test/vlm/fixtures/tiny-clip', out.frames224],
]) {
  const enc = openEncoder(spec);
  const rows = Int32Array.from({ length: frames.count }, (_, i) => i);
  const o = new Float32Array(frames.count * enc.dim);
  enc.sync.embedImages(frames, rows.subarray(0, 8), o);
  const t0 = performance.now();
  for (let s = 0; s < frames.count; s += 256) enc.sync.embedImages(frames, rows.subarray(s, s + 256), o);
  out.encode[spec] = Math.round(frames.count / ((performance.now() - t0) / 1000));
  enc.dispose();
}
delete out.frames48;
delete out.frames224;
const ppo = {
  type: 'ppo',
  numSteps: 256,
  numMinibatches: 8,
  updateEpochs: 10,
  network: { hidden: [64, 64], activation: 'tanh' },
};
for (const [name, rewards] of [
  ['own reward', [{ source: 'extrinsic' }]],
  ['vlm every 1', [{ source: 'vlm', goal: 'the pole is upright' }]],
  ['vlm every 4', [{ source: 'vlm', goal: 'the pole is upright', every: 4 }]],
]) {
  const sc = loadScenario(
    {
      name: 'speed',
      env: { id: 'InvertedPendulum-v0', numEnvs: 4, maxEpisodeSteps: 200 },
      agent: ppo,
      rewards,
      budget: { steps: 8192 },
      seeds: [1],
      eval: { every: 0, episodes: 1 },
      checkpoint: { every: 0 },
    },
    registry,
  );
  const runDir = `/tmp/vlm-speed-${name.replace(/ /g, '-')}`;
  rmSync(runDir, { recursive: true, force: true });
  const s = await startRun(sc, { runDir, quiet: true, registry, exploration: false }).done;
  const per = (ms) => Math.round((ms / s.steps) * 1000 * 10) / 10;
  out.train.push({
    rewards: name,
    stepsPerSecond: Math.round(s.stepsPerSecond),
    msPer1kSteps: {
      rollout: per(s.profile.rolloutMs),
      annotate: per(s.profile.annotateMs),
      learn: per(s.profile.learnMs),
    },
  });
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
