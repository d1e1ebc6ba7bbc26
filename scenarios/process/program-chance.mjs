// Chance levels of Reason-Program-v0 (rewards/process/RESULTS.md): a uniformly random allowed action, 20,000
// episodes, at difficulty 1 with maxLength 3 and 12. Usage: node scenarios/process/program-chance.mjs (after tsc).
import { builtinRegistry } from '../../dist/src/train/builtins.js';
const reg = builtinRegistry();
for (const kw of [{ difficulty: 1, maxLength: 3 }, { difficulty: 1 }]) {
  const env = reg.envs.make('Reason-Program-v0', kw, {});
  let wins = 0,
    out = 0,
    len = 0;
  const N = 20000;
  let s = 7;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let e = 0; e < N; e++) {
    let r = env.reset({ seed: 200000 + e });
    for (;;) {
      const m = r.info.actionMask;
      const ok = [];
      m.forEach((v, i) => v && ok.push(i));
      const a = ok[Math.floor(rnd() * ok.length)];
      const x = env.step(a);
      len++;
      if (x.terminated || x.truncated) {
        if (x.info.success) wins++;
        out += x.reward;
        break;
      }
      r = x;
    }
  }
  console.log(
    JSON.stringify(kw),
    'accuracy',
    wins / N,
    'outcome',
    (out / N).toFixed(3),
    'length',
    (len / N).toFixed(2),
  );
}
