import { Rng } from '../../../src/core/rng.js';
import { make } from '../../../src/core/registry.js';
import { registerMujoco } from '../../../envs/mujoco/index.js';
import type { RgbFrame } from '../../../src/core/env.js';
import type { Box } from '../../../src/core/spaces.js';
import { isDescribed } from '../../../src/core/env.js';
import { unwrap } from '../../../src/core/wrapper.js';
import { PNG } from 'pngjs';
import { writeFileSync } from 'node:fs';

registerMujoco();
const ids = process.argv.slice(2);
for (const id of ids) {
  const env = make(id, { renderMode: 'rgb_array' });
  const rng = new Rng(1);
  let { obs } = env.reset({ seed: 0 });
  let ret = 0, steps = 0, term = false;
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) {
    const a = (env.actionSpace as Box).sample(rng);
    const r = env.step(a);
    ret += r.reward; steps++;
    if (r.terminated || r.truncated) { term = r.terminated; break; }
    obs = r.obs;
  }
  const t1 = performance.now();
  let f: RgbFrame | undefined;
  const t2 = performance.now();
  for (let i = 0; i < 10; i++) f = env.render() as RgbFrame;
  const t3 = performance.now();
  const png = new PNG({ width: f!.width, height: f!.height });
  for (let i = 0; i < f!.width * f!.height; i++) { png.data[4*i]=f!.data[3*i]!; png.data[4*i+1]=f!.data[3*i+1]!; png.data[4*i+2]=f!.data[3*i+2]!; png.data[4*i+3]=255; }
  writeFileSync(`/tmp/h4/${id}.png`, PNG.sync.write(png));
  const u = unwrap(env);
  console.log(id, 'obs', (obs as Float32Array).length, 'steps', steps, 'term', term, 'ret', ret.toFixed(2), 'steps/s', (steps / ((t1 - t0) / 1000)).toFixed(0), 'render ms', ((t3 - t2) / 10).toFixed(2));
  if (process.env.DESCRIBE && isDescribed(u)) { console.log(u.describeState()); console.log(JSON.stringify(u.state())); }
  env.close(); env.close();
}
