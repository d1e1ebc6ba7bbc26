/** rxgym's two-link planar reacher: 0.1 m + 0.11 m links in a 0.4 m arena with a sliding target, RK4 at 10 ms. */
export const REACHER_XML = `<mujoco model="rxgym-reacher">
  <compiler angle="radian" inertiafromgeom="true"/>
  <option timestep="0.01" integrator="RK4" gravity="0 0 -9.81"/>
  <size memory="1M"/>
  <default>
    <joint limited="true" armature="1" damping="1"/>
    <geom contype="0" conaffinity="0" friction="1 0.1 0.1" rgba="0.7 0.7 0 1"/>
  </default>
  <worldbody>
    <light name="sun" directional="true" pos="0 0 3" dir="0 0 -1"/>
    <camera name="track" pos="0 -0.6 0.7" xyaxes="1 0 0 0 0.76 0.65"/>
    <geom name="ground" type="plane" pos="0 0 -0.1" size="1 1 10" rgba="0.9 0.9 0.9 1"/>
    <geom name="side_s" type="capsule" fromto="-0.3 -0.3 0.01 0.3 -0.3 0.01" size="0.02" rgba="0.9 0.4 0.6 1"/>
    <geom name="side_e" type="capsule" fromto="0.3 -0.3 0.01 0.3 0.3 0.01" size="0.02" rgba="0.9 0.4 0.6 1"/>
    <geom name="side_n" type="capsule" fromto="-0.3 0.3 0.01 0.3 0.3 0.01" size="0.02" rgba="0.9 0.4 0.6 1"/>
    <geom name="side_w" type="capsule" fromto="-0.3 -0.3 0.01 -0.3 0.3 0.01" size="0.02" rgba="0.9 0.4 0.6 1"/>
    <geom name="root" type="cylinder" fromto="0 0 0 0 0 0.02" size="0.011" rgba="0.9 0.4 0.6 1"/>
    <body name="body0" pos="0 0 0.01">
      <joint name="joint0" type="hinge" axis="0 0 1" limited="false"/>
      <geom name="link0" type="capsule" fromto="0 0 0 0.1 0 0" size="0.01" rgba="0 0.4 0.6 1"/>
      <body name="body1" pos="0.1 0 0">
        <joint name="joint1" type="hinge" axis="0 0 1" range="-3.0 3.0"/>
        <geom name="link1" type="capsule" fromto="0 0 0 0.1 0 0" size="0.01" rgba="0 0.4 0.6 1"/>
        <body name="fingertip" pos="0.11 0 0">
          <geom name="fingertip" type="sphere" size="0.01" rgba="0 0.8 0.6 1"/>
        </body>
      </body>
    </body>
    <body name="target" pos="0.1 -0.1 0.01">
      <joint name="target_x" type="slide" axis="1 0 0" range="-0.27 0.27" armature="0" damping="0"/>
      <joint name="target_y" type="slide" axis="0 1 0" range="-0.27 0.27" armature="0" damping="0"/>
      <geom name="target" type="sphere" size="0.009" rgba="0.9 0.2 0.2 1"/>
    </body>
  </worldbody>
  <actuator>
    <motor name="joint0" joint="joint0" gear="200" ctrllimited="true" ctrlrange="-1 1"/>
    <motor name="joint1" joint="joint1" gear="200" ctrllimited="true" ctrlrange="-1 1"/>
  </actuator>
</mujoco>
`;
