// How varied are a problem's episodes? For PF-PPO (rewards/process/RESULTS.md section 3): each run's final policy
// plays `--groups` problems, each posed `repeat` times in a row (the scenario's kwargs, actions sampled as in
// training); prints the mean number of distinct programs (action sequences) per problem and the share of problems
// whose episodes are all the same program (the same final observation, so the same ORM score: the filter's
// ranking is then a random tie-break). Usage: node scenarios/process/pfppo-ties.mjs <bench dir>... [--groups 200]
// (after `npx tsc -p tsconfig.json`: it reads the compiled package in dist/).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { capabilitiesOf } from '../../dist/src/core/capabilities.js';
import { actInputs } from './act-inputs.mjs';
import { initBackend } from '../../dist/src/tensor/backend.js';
import { builtinRegistry } from '../../dist/src/train/builtins.js';
import { latestCheckpoint } from '../../dist/src/train/checkpoint.js';

const args = process.argv.slice(2);
const gi = args.indexOf('--groups');
const wanted = gi < 0 ? 200 : Number(args.splice(gi, 2)[1]);
await initBackend();
const registry = builtinRegistry();

/** Distinct programs per problem group of one run's final policy. */
function ties(runDir) {
  const s = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).scenario;
  const ck = latestCheckpoint(runDir);
  if (!ck) return undefined;
  const n = 16;
  const envs = Array.from({ length: n }, () => registry.envs.make(s.env.id, s.env.kwargs ?? {}, {}));
  const caps = capabilitiesOf(envs[0]);
  const agent = registry.agents.get(s.agent.type).create(s.agent.params, {
    observationSpace: envs[0].observationSpace,
    actionSpace: envs[0].actionSpace,
    numEnvs: n,
    seed: 0,
    totalSteps: s.budget.steps,
    textKeys: caps.textKeys ?? [],
    tokenKeys: caps.tokenKeys,
    constraints: [],
  });
  agent.load(join(ck.dir, 'agent'));
  // seeded once per env, so `repeat` poses each problem that many times in a row
  const cur = envs.map((e, i) => e.reset({ seed: 200_000 + i }));
  const prog = envs.map(() => []);
  const groups = new Map();
  let closed = 0;
  while (closed < wanted) {
    const { batch, mask } = actInputs(envs, cur);
    const out = agent.act(batch, n, { deterministic: false, actionMask: mask });
    const acts = out.envActions ?? out.actions;
    for (let i = 0; i < n; i++) {
      const pid = cur[i].info.problemId;
      const r = envs[i].step(acts[i]);
      prog[i].push(acts[i]);
      if (!(r.terminated || r.truncated)) {
        cur[i] = { obs: r.obs, info: r.info };
        continue;
      }
      const key = `${i}:${pid}`;
      const g = groups.get(key) ?? [];
      g.push(prog[i].join(','));
      groups.set(key, g);
      if (g.length === (s.env.kwargs?.repeat ?? 1)) closed++;
      prog[i] = [];
      cur[i] = envs[i].reset();
    }
  }
  agent.dispose();
  for (const e of envs) e.close();
  const full = [...groups.values()].filter((g) => g.length === (s.env.kwargs?.repeat ?? 1));
  const distinct = full.map((g) => new Set(g).size);
  return {
    groups: full.length,
    distinct: distinct.reduce((a, b) => a + b, 0) / full.length,
    allSame: distinct.filter((d) => d === 1).length / full.length,
  };
}

console.log('| run | problems | distinct programs / problem | all episodes the same program |');
console.log('|---|---|---|---|');
for (const dir of args) {
  const runsDir = existsSync(join(dir, 'runs')) ? join(dir, 'runs') : dir;
  for (const k of readdirSync(runsDir).sort()) {
    const runDir = join(runsDir, k);
    if (!existsSync(join(runDir, 'summary.json'))) continue;
    const t = ties(runDir);
    if (t) console.log(`| ${k} | ${t.groups} | ${t.distinct.toFixed(2)} | ${t.allSame.toFixed(2)} |`);
  }
}
