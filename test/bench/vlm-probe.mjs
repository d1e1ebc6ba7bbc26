// What the VLM probe scripts share (vlm-centre-probe.mjs, vlm-mountaincar-agents.mjs): the command line
// ([episodes=8] [seed=50000] [run dir,...]), rxgym's modules from dist/ (RXGYM_DIST for another), the registry with
// the sparse tasks, the encoder and the goal/baseline reward model (alpha 0), the final agents of the given runs as
// policies, playing a policy's episodes with their embedded frames, and number formatting.
import { registerSparseTasks } from './vlm-sparse-tasks.mjs';

const dist = (process.env.RXGYM_DIST ?? new URL('../../dist/', import.meta.url).href).replace(/\/?$/, '/');
const { builtinRegistry, initBackend, setBackendLogger } = await import(`${dist}src/index.js`);
const { playEpisodes } = await import(`${dist}rewards/vlm/play.js`);
const { openEncoder } = await import(`${dist}rewards/vlm/encoders.js`);
const { GoalBaselineReward } = await import(`${dist}rewards/vlm/goal-baseline.js`);
const { vlmPolicy } = await import(`${dist}src/cli/vlm-policy.js`);
/** rewards/vlm/experts.js of the same dist/. */
export const { expertFor } = await import(`${dist}rewards/vlm/experts.js`);

export const r2 = (x) => Math.round(x * 100) / 100;
export const mean = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length;
/** Mean ± sample sd, two decimals. */
export const ms = (xs) => {
  const m = mean(xs);
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${r2(m)} ± ${r2(sd)}`;
};

/**
 * Open a probe of `env`: `encoder` is an openEncoder spec, `goal` and `baseline` the reward model's captions. Returns
 * the command line's episodes, seed and run dirs, the encoder, the reward model, `policies(fixed)` (the fixed ones,
 * then one per run dir) and `play(p, maxSteps, makePolicy?)`: the played episodes and their frames' embeddings.
 */
export async function openProbe({ env, encoder: spec, goal, baseline }) {
  const episodes = Number(process.argv[2] ?? 8);
  const seed = Number(process.argv[3] ?? 50_000);
  const runs = (process.argv[4] ?? '').split(',').filter((d) => d !== '');
  setBackendLogger(() => {});
  await initBackend();
  const registry = builtinRegistry();
  registerSparseTasks(registry);
  const encoder = openEncoder(spec);
  const rm = new GoalBaselineReward(
    await encoder.embedTexts([goal]),
    await encoder.embedTexts([baseline]),
    encoder.dim,
    0,
  );
  const policies = async (fixed) => {
    const out = [...fixed];
    for (const dir of runs) {
      const agent = await vlmPolicy(dir, env);
      out.push({ name: dir.split('/').pop(), kwargs: agent.kwargs, make: agent.make });
    }
    return out;
  };
  const play = async (p, maxSteps, makePolicy = p.make) => {
    const played = playEpisodes({
      envs: registry.envs,
      envId: env,
      frames: encoder.frameSize,
      episodes,
      seed,
      maxSteps,
      policy: 'random',
      kwargs: p.kwargs,
      makePolicy,
    });
    const rows = Int32Array.from({ length: played.frames.count }, (_, i) => i);
    return { played, emb: await encoder.embedImages(played.frames, rows) };
  };
  return { episodes, encoder, rm, policies, play };
}
