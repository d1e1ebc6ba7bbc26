// Registers InfoToy-v0 in a WorkerVectorEnv worker (passed in `imports`, the way for envs registered without a
// `source`): the workers run the compiled kernel, so this imports it from dist/ (only the modules InfoToy needs).
import { RxgymError } from '../../../dist/src/core/env.js';
import { register } from '../../../dist/src/core/registry.js';
import { Rng } from '../../../dist/src/core/rng.js';
import { Box, Discrete } from '../../../dist/src/core/spaces.js';
import { registerInfoToy } from './info-toy-env.mjs';

registerInfoToy({ Box, Discrete, Rng, RxgymError, register });
