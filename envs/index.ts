import { registerClassic } from './classic/index.js';
import { registerMujoco } from './mujoco/index.js';
import { registerDungeon } from './dungeon/register.js';
import { registerExplore } from './explore/index.js';

/** Registers every environment family with the registry; called once by the package entry and the CLI. */
const families: Array<() => void> = [
  registerExplore,
  registerDungeon,
  registerMujoco,
  // one registrar per family, e.g. registerClassic
  registerClassic,
];

let done = false;
/** Register all families (idempotent). */
export function registerAll(): void {
  if (done) return;
  done = true;
  for (const f of families) f();
}
