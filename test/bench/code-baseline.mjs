// The in-process baseline of the reward-code overhead benchmarks (code.bench.ts under vitest, code-overhead.mjs on
// dist/): the same reward function run in plain JS on the host, with the same per-transition work as the sandbox
// runner.
import ts from 'typescript';

/** Compile a reward module's TypeScript to a plain host function. */
export function inProcessReward(source) {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const exports = {};
  new Function('exports', js)(exports);
  return exports.reward;
}

/** Run `fn` on the first `n` transitions of a collected batch; returns the totals. */
export function runInProcess(fn, b, n) {
  const out = new Float64Array(n);
  const d = b.actionDim;
  for (let k = 0; k < n; k++) {
    const action = b.scalarActions ? b.actions[k] : Array.from(b.actions.subarray(k * d, (k + 1) * d));
    const info = {
      reward: b.rewards[k],
      terminated: b.terminations[k] === 1,
      truncated: b.truncations[k] === 1,
      success: b.success[k] === 1,
      step: b.episodeSteps[k],
      message: b.messages[k],
    };
    const r = fn(b.prevStates[k], action, b.nextStates[k], info);
    out[k] = typeof r === 'number' ? r : r.total;
  }
  return out;
}
