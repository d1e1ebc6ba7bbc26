import { createRegistry, type Registry } from '../core/registry.js';
import { registerAgents } from '../../agents/index.js';
import { registerAll } from '../../envs/index.js';
import { registerAllSources } from '../../rewards/index.js';

/**
 * The composition root: a registry holding every built-in env family (in the global env registry, which env workers
 * rebuild from the same families), agent type and reward source. The CLI builds one; a library user gets one by
 * default from `startRun` and `loadScenario`, or builds it, adds their own envs, agents and sources, and passes it.
 */
export function builtinRegistry(): Registry {
  const registry = createRegistry();
  registerAll(registry.envs);
  registerAgents(registry.agents);
  registerAllSources(registry.rewards);
  return registry;
}
