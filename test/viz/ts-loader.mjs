// Lets `node --import ./test/viz/ts-loader.mjs src/cli/main.ts` run the CLI from source (Node 20 has no
// type stripping): `.js` imports that name a `.ts` file resolve to it, and `.ts` is transpiled with typescript.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
