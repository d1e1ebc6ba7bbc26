/**
 * rxgym's three-link swimmer in a viscous medium (density 4000, viscosity 0.1), 1 m capsules, no contacts, RK4 at 10
 * ms.
 */
export const SWIMMER_XML = `<mujoco model="rxgym-swimmer">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.01" integrator="RK4" density="4000" viscosity="0.1"/>
  <size memory="1M"/>
  <default>
    <joint armature="0.1"/>
    <geom contype="0" conaffinity="0" condim="1" density="1000" rgba="0.8 0.6 0.4 1"/>
    <motor ctrllimited="true" ctrlrange="-1 1" gear="150"/>
  </default>
  <worldbody>
    <light name="sun" directional="true" pos="0 0 6" dir="0 0 -1"/>
    <geom name="floor" type="plane" pos="0 0 -0.1" size="40 40 0.1" rgba="0.55 0.6 0.65 1"/>
    <body name="torso" pos="0 0 0">
      <camera name="track" mode="trackcom" pos="0 -3 3" xyaxes="1 0 0 0 1 1"/>
      <joint name="slider1" type="slide" axis="1 0 0"/>
      <joint name="slider2" type="slide" axis="0 1 0"/>
      <joint name="free_body_rot" type="hinge" axis="0 0 1"/>
      <geom name="frontbody" type="capsule" fromto="1.5 0 0 0.5 0 0" size="0.1"/>
      <body name="mid" pos="0.5 0 0">
        <joint name="motor1_rot" type="hinge" axis="0 0 1" limited="true" range="-100 100"/>
        <geom name="midbody" type="capsule" fromto="0 0 0 -1 0 0" size="0.1"/>
        <body name="back" pos="-1 0 0">
          <joint name="motor2_rot" type="hinge" axis="0 0 1" limited="true" range="-100 100"/>
          <geom name="backbody" type="capsule" fromto="0 0 0 -1 0 0" size="0.1"/>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="motor1" joint="motor1_rot"/>
    <motor name="motor2" joint="motor2_rot"/>
  </actuator>
</mujoco>
`;
