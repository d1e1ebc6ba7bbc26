import { envRegistry, type EnvRegistry } from '../src/core/registry.js';
import { registerClassic } from './classic/index.js';
import { registerMujoco } from './mujoco/index.js';
import { registerDungeon } from './dungeon/register.js';
import { registerExplore } from './explore/index.js';
import { registerReason } from './reason/index.js';

/** One registrar per env family, each registering its ids into the registry it is given. */
const families: Array<(envs: EnvRegistry) => void> = [
  registerExplore,
  registerDungeon,
  registerMujoco,
  registerClassic,
  registerReason,
];

const registered = new WeakSet<EnvRegistry>();
/** Register every built-in env family into `envs` (default: the global registry behind `make`); idempotent. */
export function registerAll(envs: EnvRegistry = envRegistry): void {
  if (registered.has(envs)) return;
  registered.add(envs);
  for (const f of families) f(envs);
}
