import type { Registry } from '../core/registry.js';
import { builtinRegistry } from '../train/builtins.js';

let registry: Registry | undefined;

/** The CLI's composition root: one registry of every built-in env, agent and reward source, built on first use. */
export function cliRegistry(): Registry {
  registry ??= builtinRegistry();
  return registry;
}
