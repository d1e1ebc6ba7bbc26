import { ground } from './common.js';

function legXml(side: 'right' | 'left'): string {
  const s = side === 'right' ? -1 : 1;
  const hipXAxis = side === 'right' ? '1 0 0' : '-1 0 0';
  const hipZAxis = side === 'right' ? '0 0 1' : '0 0 -1';
  return `<body name="${side}_thigh" pos="0 ${0.1 * s} -0.04">
          <joint name="${side}_hip_x" axis="${hipXAxis}" range="-25 5" damping="5" stiffness="10" armature="0.01"/>
          <joint name="${side}_hip_z" axis="${hipZAxis}" range="-60 35" damping="5" stiffness="10" armature="0.01"/>
          <joint name="${side}_hip_y" axis="0 1 0" range="-110 20" damping="5" stiffness="20" armature="0.008"/>
          <geom name="${side}_thigh1" type="capsule" fromto="0 0 0 0 ${0.01 * s} -0.34" size="0.06"/>
          <body name="${side}_shin" pos="0 ${0.01 * s} -0.403">
            <joint name="${side}_knee" pos="0 0 0.02" axis="0 -1 0" range="-160 -2" armature="0.006"/>
            <geom name="${side}_shin1" type="capsule" fromto="0 0 0 0 0 -0.3" size="0.049"/>
            <body name="${side}_foot" pos="0 0 -0.45">
              <geom name="${side}_foot" type="sphere" pos="0 0 0.1" size="0.075"/>
            </body>
          </body>
        </body>`;
}

function armXml(side: 'right' | 'left'): string {
  const s = side === 'right' ? -1 : 1;
  const sh1 = side === 'right' ? '2 1 1' : '2 -1 1';
  const sh2 = side === 'right' ? '0 -1 1' : '0 1 1';
  const range = side === 'right' ? '-85 60' : '-60 85';
  const elbow = side === 'right' ? '0 -1 1' : '0 -1 -1';
  return `<body name="${side}_upper_arm" pos="0 ${0.17 * s} 0.06">
        <joint name="${side}_shoulder1" axis="${sh1}" range="${range}" stiffness="1" armature="0.0068"/>
        <joint name="${side}_shoulder2" axis="${sh2}" range="${range}" stiffness="1" armature="0.0051"/>
        <geom name="${side}_uarm1" type="capsule" fromto="0 0 0 0.16 ${0.16 * s} -0.16" size="0.04 0.16"/>
        <body name="${side}_lower_arm" pos="0.18 ${0.18 * s} -0.18">
          <joint name="${side}_elbow" axis="${elbow}" range="-90 50" stiffness="0" armature="0.0028"/>
          <geom name="${side}_larm" type="capsule" fromto="0.01 ${-0.01 * s} 0.01 0.17 ${-0.17 * s} 0.17" size="0.031"/>
          <geom name="${side}_hand" type="sphere" pos="0.18 ${-0.18 * s} 0.18" size="0.04"/>
        </body>
      </body>`;
}

/**
 * rxgym's 17-actuator humanoid (Gymnasium Humanoid body layout: torso, waist, pelvis, legs, arms), RK4 + PGS 50
 * iterations at 3 ms.
 */
export const HUMANOID_XML = `<mujoco model="rxgym-humanoid">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.003" integrator="RK4" solver="PGS" iterations="50"/>
  <size memory="8M"/>
  <default>
    <joint type="hinge" limited="true" armature="1" damping="1"/>
    <geom contype="1" conaffinity="1" condim="1" margin="0.001" rgba="0.8 0.6 0.4 1"/>
    <motor ctrllimited="true" ctrlrange="-0.4 0.4"/>
  </default>
  <worldbody>
    ${ground({ size: '20 20 0.125', condim: 3, friction: '1 0.1 0.1' })}
    <body name="torso" pos="0 0 1.4">
      <camera name="track" mode="trackcom" pos="0 -4 1" xyaxes="1 0 0 0 0 1"/>
      <freejoint name="root"/>
      <geom name="torso1" type="capsule" fromto="0 -0.07 0 0 0.07 0" size="0.07"/>
      <geom name="head" type="sphere" pos="0 0 0.19" size="0.09"/>
      <geom name="uwaist" type="capsule" fromto="-0.01 -0.06 -0.12 -0.01 0.06 -0.12" size="0.06"/>
      <body name="lwaist" pos="-0.01 0 -0.26" quat="1 0 -0.002 0">
        <geom name="lwaist" type="capsule" fromto="0 -0.06 0 0 0.06 0" size="0.06"/>
        <joint name="abdomen_z" pos="0 0 0.065" axis="0 0 1" range="-45 45" damping="5" stiffness="20" armature="0.02"/>
        <joint name="abdomen_y" pos="0 0 0.065" axis="0 1 0" range="-75 30" damping="5" stiffness="10" armature="0.02"/>
        <body name="pelvis" pos="0 0 -0.165" quat="1 0 -0.002 0">
          <joint name="abdomen_x" pos="0 0 0.1" axis="1 0 0" range="-35 35" damping="5" stiffness="10" armature="0.02"/>
          <geom name="butt" type="capsule" fromto="-0.02 -0.07 0 -0.02 0.07 0" size="0.09"/>
          ${legXml('right')}
          ${legXml('left')}
        </body>
      </body>
      ${armXml('right')}
      ${armXml('left')}
    </body>
  </worldbody>
  <actuator>
    <motor name="abdomen_y" joint="abdomen_y" gear="100"/>
    <motor name="abdomen_z" joint="abdomen_z" gear="100"/>
    <motor name="abdomen_x" joint="abdomen_x" gear="100"/>
    <motor name="right_hip_x" joint="right_hip_x" gear="100"/>
    <motor name="right_hip_z" joint="right_hip_z" gear="100"/>
    <motor name="right_hip_y" joint="right_hip_y" gear="300"/>
    <motor name="right_knee" joint="right_knee" gear="200"/>
    <motor name="left_hip_x" joint="left_hip_x" gear="100"/>
    <motor name="left_hip_z" joint="left_hip_z" gear="100"/>
    <motor name="left_hip_y" joint="left_hip_y" gear="300"/>
    <motor name="left_knee" joint="left_knee" gear="200"/>
    <motor name="right_shoulder1" joint="right_shoulder1" gear="25"/>
    <motor name="right_shoulder2" joint="right_shoulder2" gear="25"/>
    <motor name="right_elbow" joint="right_elbow" gear="25"/>
    <motor name="left_shoulder1" joint="left_shoulder1" gear="25"/>
    <motor name="left_shoulder2" joint="left_shoulder2" gear="25"/>
    <motor name="left_elbow" joint="left_elbow" gear="25"/>
  </actuator>
</mujoco>
`;
