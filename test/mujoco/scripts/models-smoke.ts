import { compileModel, createData, mujoco } from '../../../envs/mujoco/loader.js';
import * as A from '../../../envs/mujoco/assets/index.js';
const mj = mujoco();
for (const [k, xml] of Object.entries(A)) {
  const m = compileModel(xml as string, k); const d = createData(m, k);
  for (let i = 0; i < 500; i++) mj.mj_step(m, d);
  console.log(k, 'nq', m.nq, 'nv', m.nv, 'nu', m.nu, 'nbody', m.nbody, 'narena', m.narena, 'qpos', Array.from(d.qpos as Float64Array).slice(0, 3).map(x=>x.toFixed(3)).join(','), 'ncon', d.ncon, 'mass', (Array.from(m.body_mass as Float64Array) as number[]).reduce((a,b)=>a+b,0).toFixed(2));
  d.delete(); m.delete();
}
