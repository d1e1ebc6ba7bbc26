// Passed in a WorkerVectorEnv's `imports`: gives every env built in that worker thread a `loadedModules()` method
// (on the kernel's Wrapper, which `make` wraps every env in) that says what the thread has loaded: the CommonJS
// modules (TensorFlow.js is one) and whether TensorFlow.js created its engine (a global it sets when it loads).
import { createRequire } from 'node:module';
import { Wrapper } from '../../../dist/src/core/wrapper.js';

const require = createRequire(import.meta.url);

Wrapper.prototype.loadedModules = function loadedModules() {
  return { commonjs: Object.keys(require.cache), tfEngine: '_tfengine' in globalThis };
};
