// Registers InfoToy-v0 in a WorkerVectorEnv worker (passed in `imports`): the workers run the compiled package.
import * as api from '../../../dist/src/index.js';
import { registerInfoToy } from './info-toy-env.mjs';

registerInfoToy(api);
