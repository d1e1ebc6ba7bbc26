// A library user's script: trains a scenario with a reward stack and URLB pre-training through the package's own
// name ('rxgym' resolves to this package's compiled entry by its `exports`), prints the summary as one JSON line.
import { loadScenario, startRun } from 'rxgym';

const runDir = process.argv[2];
const scenario = loadScenario({
  name: 'library-demo',
  env: {
    id: 'Dungeon-KeyRoom-S5-v0',
    numEnvs: 2,
    maxEpisodeSteps: 50,
    kwargs: { observationKeys: ['blstats', 'message'] },
  },
  agent: { type: 'ppo', numSteps: 32 },
  rewards: [
    { source: 'extrinsic', weight: 1 },
    { source: 'oni', model: 'retrieval', annotator: 'rubric', weight: 0.4 },
  ],
  pretrain: { steps: 256, rewards: [{ source: 'count', weight: 1 }] },
  budget: { steps: 512 },
  seed: 3,
  eval: { every: 0, episodes: 2 },
});
const run = startRun(scenario, { runDir, quiet: true });
const components = new Set();
run.events$.subscribe((e) => {
  if (e.type === 'rewards') for (const k of Object.keys(e.components)) components.add(k);
});
const summary = await run.done;
console.log(
  JSON.stringify({
    reason: summary.reason,
    steps: summary.steps,
    pretrain: summary.pretrain?.steps,
    components: [...components].sort(),
  }),
);
