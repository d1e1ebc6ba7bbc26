import { ground, trackCamera } from './common.js';

function leg(side: 'right' | 'left', footFriction: string, rgba: string): string {
  const s = side === 'right' ? '' : '_left';
  return `<body name="thigh${s}" pos="0 0 -0.2">
        <joint name="thigh${s}_joint" type="hinge" axis="0 -1 0" range="-150 0"/>
        <geom name="thigh${s}_geom" type="capsule" fromto="0 0 0 0 0 -0.45" size="0.05" rgba="${rgba}"/>
        <body name="leg${s}" pos="0 0 -0.45">
          <joint name="leg${s}_joint" type="hinge" axis="0 -1 0" range="-150 0"/>
          <geom name="leg${s}_geom" type="capsule" fromto="0 0 0 0 0 -0.5" size="0.04" rgba="${rgba}"/>
          <body name="foot${s}" pos="0 0 -0.5">
            <joint name="foot${s}_joint" type="hinge" axis="0 -1 0" range="-45 45"/>
            <geom name="foot${s}_geom" type="capsule" fromto="0 0 0 0.2 0 0" size="0.06" friction="${footFriction}" rgba="${rgba}"/>
          </body>
        </body>
      </body>`;
}

/** rxgym's planar biped: Hopper-sized torso with two legs (Gymnasium Walker2d dimensions), RK4 at 2 ms. */
export const WALKER2D_XML = `<mujoco model="rxgym-walker2d">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.002" integrator="RK4"/>
  <size memory="4M"/>
  <default>
    <joint limited="true" armature="0.01" damping="0.1"/>
    <geom contype="1" conaffinity="0" condim="3" density="1000" friction="0.7 0.1 0.1" rgba="0.8 0.6 0.4 1"/>
    <motor ctrllimited="true" ctrlrange="-1 1" gear="100"/>
  </default>
  <worldbody>
    ${ground({ friction: '0.9', condim: 3 })}
    <body name="torso" pos="0 0 1.25">
      ${trackCamera(3, 0.6)}
      <joint name="rootx" type="slide" axis="1 0 0" limited="false" armature="0" damping="0"/>
      <joint name="rootz" type="slide" axis="0 0 1" ref="1.25" limited="false" armature="0" damping="0"/>
      <joint name="rooty" type="hinge" axis="0 -1 0" limited="false" armature="0" damping="0"/>
      <geom name="torso_geom" type="capsule" fromto="0 0 0.2 0 0 -0.2" size="0.05" friction="0.9"/>
      ${leg('right', '0.9', '0.8 0.6 0.4 1')}
      ${leg('left', '1.9', '0.7 0.3 0.6 1')}
    </body>
  </worldbody>
  <actuator>
    <motor name="thigh_motor" joint="thigh_joint"/>
    <motor name="leg_motor" joint="leg_joint"/>
    <motor name="foot_motor" joint="foot_joint"/>
    <motor name="thigh_left_motor" joint="thigh_left_joint"/>
    <motor name="leg_left_motor" joint="leg_left_joint"/>
    <motor name="foot_left_motor" joint="foot_left_joint"/>
  </actuator>
</mujoco>
`;
