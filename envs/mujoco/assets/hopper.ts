import { ground, trackCamera } from './common.js';

/**
 * rxgym's one-legged hopper: torso 0.4 m, thigh 0.45 m, leg 0.5 m, foot 0.39 m (Gymnasium Hopper dimensions), RK4 at 2
 * ms.
 */
export const HOPPER_XML = `<mujoco model="rxgym-hopper">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.002" integrator="RK4"/>
  <size memory="4M"/>
  <default>
    <joint limited="true" armature="1" damping="1"/>
    <geom contype="1" conaffinity="1" condim="1" margin="0.001" solref="0.02 1" solimp="0.8 0.8 0.01" rgba="0.8 0.6 0.4 1"/>
    <motor ctrllimited="true" ctrlrange="-1 1" gear="200"/>
  </default>
  <worldbody>
    ${ground({ size: '20 20 0.125', friction: '0.9' })}
    <body name="torso" pos="0 0 1.25">
      ${trackCamera(3, 0.6)}
      <joint name="rootx" type="slide" axis="1 0 0" limited="false" armature="0" damping="0"/>
      <joint name="rootz" type="slide" axis="0 0 1" ref="1.25" limited="false" armature="0" damping="0"/>
      <joint name="rooty" type="hinge" axis="0 -1 0" limited="false" armature="0" damping="0"/>
      <geom name="torso_geom" type="capsule" fromto="0 0 0.2 0 0 -0.2" size="0.05" friction="0.9"/>
      <body name="thigh" pos="0 0 -0.2">
        <joint name="thigh_joint" type="hinge" axis="0 -1 0" range="-150 0"/>
        <geom name="thigh_geom" type="capsule" fromto="0 0 0 0 0 -0.45" size="0.05" friction="0.9"/>
        <body name="leg" pos="0 0 -0.45">
          <joint name="leg_joint" type="hinge" axis="0 -1 0" range="-150 0"/>
          <geom name="leg_geom" type="capsule" fromto="0 0 0 0 0 -0.5" size="0.04" friction="0.9"/>
          <body name="foot" pos="0 0 -0.5">
            <joint name="foot_joint" type="hinge" axis="0 -1 0" range="-45 45"/>
            <geom name="foot_geom" type="capsule" fromto="-0.13 0 0 0.26 0 0" size="0.06" friction="2.0"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="thigh_motor" joint="thigh_joint"/>
    <motor name="leg_motor" joint="leg_joint"/>
    <motor name="foot_motor" joint="foot_joint"/>
  </actuator>
</mujoco>
`;
