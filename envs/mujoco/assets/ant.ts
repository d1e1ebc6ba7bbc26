import { ground } from './common.js';

/** One ant leg: a 0.28 m hip link rotating about z and a 0.57 m ankle link (Gymnasium Ant dimensions). */
function leg(name: string, n: number, sx: number, sy: number, ankleRange: string): string {
  const ax = `${sx * 0.2} ${sy * 0.2} 0`;
  const foot = `${sx * 0.4} ${sy * 0.4} 0`;
  const ankleAxis = sx * sy > 0 ? '-1 1 0' : '1 1 0';
  return `<body name="${name}" pos="0 0 0">
        <geom name="${name}_aux_geom" type="capsule" fromto="0 0 0 ${ax}" size="0.08"/>
        <body name="aux_${n}" pos="${ax}">
          <joint name="hip_${n}" type="hinge" axis="0 0 1" range="-30 30"/>
          <geom name="${name}_geom" type="capsule" fromto="0 0 0 ${ax}" size="0.08"/>
          <body name="${name}_foot" pos="${ax}">
            <joint name="ankle_${n}" type="hinge" axis="${ankleAxis}" range="${ankleRange}"/>
            <geom name="${name}_ankle_geom" type="capsule" fromto="0 0 0 ${foot}" size="0.08"/>
          </body>
        </body>
      </body>`;
}

/** rxgym's quadruped: 0.25 m sphere torso on a free joint and four 2-joint legs, RK4 at 10 ms. */
export const ANT_XML = `<mujoco model="rxgym-ant">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.01" integrator="RK4"/>
  <size memory="4M"/>
  <default>
    <joint limited="true" armature="1" damping="1"/>
    <geom contype="1" conaffinity="0" condim="3" density="5.0" friction="1 0.5 0.5" margin="0.01" rgba="0.8 0.6 0.4 1"/>
    <motor ctrllimited="true" ctrlrange="-1 1" gear="150"/>
  </default>
  <worldbody>
    ${ground({ condim: 3 })}
    <body name="torso" pos="0 0 0.75">
      <camera name="track" mode="trackcom" pos="0 -4 2.5" xyaxes="1 0 0 0 0.6 0.8"/>
      <freejoint name="root"/>
      <geom name="torso_geom" type="sphere" pos="0 0 0" size="0.25"/>
      ${leg('front_left_leg', 1, 1, 1, '30 70')}
      ${leg('front_right_leg', 2, -1, 1, '-70 -30')}
      ${leg('back_leg', 3, -1, -1, '-70 -30')}
      ${leg('right_back_leg', 4, 1, -1, '30 70')}
    </body>
  </worldbody>
  <actuator>
    <motor name="hip_4" joint="hip_4"/>
    <motor name="ankle_4" joint="ankle_4"/>
    <motor name="hip_1" joint="hip_1"/>
    <motor name="ankle_1" joint="ankle_1"/>
    <motor name="hip_2" joint="hip_2"/>
    <motor name="ankle_2" joint="ankle_2"/>
    <motor name="hip_3" joint="hip_3"/>
    <motor name="ankle_3" joint="ankle_3"/>
  </actuator>
</mujoco>
`;
