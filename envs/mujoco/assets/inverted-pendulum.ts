/** rxgym's cart-pole: cart on a 2 m rail, 0.6 m pole, motor gear 100, RK4 at 20 ms. */
export const INVERTED_PENDULUM_XML = `<mujoco model="rxgym-inverted-pendulum">
  <compiler inertiafromgeom="true"/>
  <option timestep="0.02" integrator="RK4" gravity="0 0 -9.81"/>
  <size memory="1M"/>
  <default>
    <joint limited="true" armature="0" damping="1"/>
    <geom contype="0" friction="1 0.1 0.1" rgba="0.7 0.7 0 1"/>
  </default>
  <worldbody>
    <light name="sun" directional="true" pos="0 0 6" dir="0 0.3 -1"/>
    <camera name="track" pos="0 -3 0.3" xyaxes="1 0 0 0 0 1"/>
    <geom name="rail" type="capsule" fromto="-1 0 0 1 0 0" size="0.02" rgba="0.3 0.3 0.7 1"/>
    <body name="cart" pos="0 0 0">
      <joint name="slider" type="slide" axis="1 0 0" range="-1 1"/>
      <geom name="cart" type="capsule" fromto="-0.1 0 0 0.1 0 0" size="0.1"/>
      <body name="pole" pos="0 0 0">
        <joint name="hinge" type="hinge" axis="0 1 0" range="-90 90"/>
        <geom name="cpole" type="capsule" fromto="0 0 0 0.001 0 0.6" size="0.049" rgba="0 0.7 0.7 1"/>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="slide" joint="slider" gear="100" ctrllimited="true" ctrlrange="-3 3"/>
  </actuator>
</mujoco>
`;
