import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { registerAll } from '../../envs/index.js';
import { registerAgents } from '../../agents/index.js';
import { buildRewardStack, registerAllSources, type RewardComponentConfig, type RewardContext } from '../../rewards/index.js';
import { setBackendLogger } from '../../src/tensor/backend.js';
import type { RewardStackFactory } from '../../src/train/run.js';

/** The reward-stack factory the CLI passes to startRun. */
export const stackFactory: RewardStackFactory = (configs, ctx) => buildRewardStack(configs as RewardComponentConfig[] | undefined, ctx as unknown as RewardContext);

/** Register envs, agents and reward sources and silence the backend log before the file's tests. */
export function setupTraining(): void {
  beforeAll(() => {
    registerAll();
    registerAgents();
    registerAllSources();
    setBackendLogger(() => {});
  });
}

/** A fresh temporary directory named `rxgym-<tag>-…`. */
export const tmpDir = (tag: string): string => mkdtempSync(join(tmpdir(), `rxgym-${tag}-`));
