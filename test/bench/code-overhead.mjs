// The overhead measure of test/bench/code.bench.ts (issue 8: at most 1 us per transition at a batch of 4096), on the
// compiled package (dist/, what `npx rxgym` runs) instead of vitest's module transform, which slows the host side.
// Overhead = (sandbox time - the same function run in plain JS on the host) / 4096, 150 interleaved rounds.
// Run: npm run build && node test/bench/code-overhead.mjs
import { readFileSync } from 'node:fs';
import { inProcessReward, runInProcess } from './code-baseline.mjs';
const { registerAll } = await import(new URL('../../dist/envs/index.js', import.meta.url).href);
const { make } = await import(new URL('../../dist/src/core/registry.js', import.meta.url).href);
const { collectTransitions } = await import(new URL('../../dist/rewards/code/transitions.js', import.meta.url).href);
const { RewardSandbox } = await import(new URL('../../dist/rewards/code/sandbox.js', import.meta.url).href);
registerAll();
const N = 4096;
for (const [id, file] of [
  ['Manip-Reach-v0', 'scenarios/rewards/manip-reach.ts'],
  ['Dungeon-KeyRoom-S5-v0', 'scenarios/rewards/dungeon-keyroom-s5.ts'],
]) {
  const env = make(id);
  const b = collectTransitions(env, id, { steps: N, seed: 0 });
  env.close();
  const source = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
  const sb = RewardSandbox.compile(source, { filename: file });
  const fn = inProcessReward(source);
  const inProc = () => runInProcess(fn, b, N);
  const sbT = [],
    ipT = [];
  for (let r = 0; r < 170; r++) {
    let t = performance.now();
    sb.run(b);
    const a = performance.now() - t;
    t = performance.now();
    inProc();
    const c = performance.now() - t;
    if (r >= 20) {
      sbT.push(a);
      ipT.push(c);
    }
  }
  const mean = (x) => x.reduce((p, q) => p + q, 0) / x.length;
  const med = (x) => [...x].sort((p, q) => p - q)[x.length >> 1];
  const diff = sbT.map((x, i) => x - ipT[i]);
  console.log(
    `${id}: overhead mean ${((mean(diff) * 1000) / N).toFixed(3)} us, median ${((med(diff) * 1000) / N).toFixed(3)} ` +
      `us; sandbox ${((mean(sbT) * 1000) / N).toFixed(3)} us, in-process ${((mean(ipT) * 1000) / N).toFixed(3)} us ` +
      `per transition`,
  );
}
