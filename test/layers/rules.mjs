/**
 * The layering rules of rxgym, checked by dependency-cruiser (test/layers/layers.test.ts):
 * kernel (src/core, src/stream, src/tensor, src/llm) <- plug-ins (envs, agents, rewards) <- application (the rest of
 * src).
 */
const KERNEL = '^src/(core|stream|tensor|llm)/';
const APP = '^src/(train|bench|cli|viz|report)/|^src/index\\.ts$';

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
export const forbidden = [
  {
    name: 'kernel-imports-kernel',
    comment:
      'The kernel (src/core, src/stream, src/tensor, src/llm) imports only the kernel: move the code up a layer, or ' +
      'the contract down.',
    severity: 'error',
    from: { path: KERNEL },
    to: { path: `^(envs|agents|rewards)/|${APP}` },
  },
  {
    name: 'plugins-import-kernel',
    comment:
      'Plug-ins (envs, agents, rewards) import only the kernel, never the application (src/train, src/bench, ' +
      'src/cli, src/viz, src/report).',
    severity: 'error',
    from: { path: '^(envs|agents|rewards)/' },
    to: { path: APP },
  },
  {
    name: 'plugin-families-apart',
    comment: 'A plug-in folder does not import another one (envs, agents, rewards): share through a kernel contract.',
    severity: 'error',
    from: { path: '^(envs|agents|rewards)/' },
    to: { path: '^(envs|agents|rewards)/', pathNot: '^$1/' },
  },
  {
    name: 'env-workers-load-envs-only',
    comment: 'An env worker thread loads env registration only: no agents, rewards, application or TensorFlow.js.',
    severity: 'error',
    from: { path: '^src/core/vector/worker-entry\\.ts$' },
    to: { path: `@tensorflow|^(agents|rewards)/|${APP}`, reachable: true },
  },
  {
    name: 'dungeon-engine-has-no-gym-types',
    comment: 'The dungeon engine (envs/dungeon/engine) is the game alone: the Gym adapter around it is envs/dungeon.',
    severity: 'error',
    from: { path: '^envs/dungeon/engine/' },
    to: { path: '^src/|^envs/dungeon/[^/]+$', pathNot: '^src/core/rng\\.ts$' },
  },
  {
    name: 'no-cycles-in-the-dungeon',
    comment: 'The dungeon has no import cycles.',
    severity: 'error',
    from: { path: '^envs/dungeon/' },
    to: { circular: true },
  },
];

/** Options of a cruise over the tree (dependency-cruiser `ICruiseOptions`). */
export const options = {
  validate: true,
  ruleSet: { forbidden },
  tsPreCompilationDeps: true,
  doNotFollow: { path: 'node_modules' },
  exclude: { path: '^(dist|test|node_modules)/' },
  moduleSystems: ['es6', 'cjs'],
};
