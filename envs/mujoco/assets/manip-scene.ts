/**
 * rxgym's table-top manipulation scene: a 1 m x 1 m table whose top is the plane z = 0, a floating
 * two-finger gripper whose palm is welded to a mocap body (moved by the action; contacts can stop it) with two
 * position-controlled sliding fingers, and task-specific objects and fixtures.
 * Meta-World timing: timestep 2.5 ms, Newton solver, elliptic friction cones.
 */
export interface SceneParts {
  /** Free objects and fixtures, placed in the worldbody. */
  bodies: string;
  /** Extra assets/defaults are not needed; extra actuators/equalities can go here. */
  extra?: string;
}

/** Finger travel (m): 0 = open (inner gap 0.084 m), 0.04 = closed. */
export const FINGER_TRAVEL = 0.04;
/** Palm height above the tool centre point (m). */
export const TCP_OFFSET = 0.055;

/** The scene MJCF around the task parts. */
export function manipScene(name: string, parts: SceneParts): string {
  return `<mujoco model="rxgym-manip-${name}">
  <compiler angle="radian" inertiafromgeom="true" autolimits="true"/>
  <option timestep="0.0025" solver="Newton" iterations="50" tolerance="1e-10" cone="elliptic" impratio="2"/>
  <size memory="4M"/>
  <default>
    <geom condim="4" friction="1 0.01 0.001" solref="0.01 1" rgba="0.7 0.7 0.7 1"/>
    <default class="finger">
      <geom type="box" size="0.01 0.008 0.035" friction="2 0.05 0.001" rgba="0.25 0.25 0.3 1" condim="4"/>
    </default>
  </default>
  <worldbody>
    <light name="sun" directional="true" pos="0 0 3" dir="0.3 0.4 -1"/>
    <camera name="front" pos="0 -0.55 0.6" xyaxes="1 0 0 0 0.707 0.707"/>
    <camera name="top" pos="0 0 1.4" xyaxes="1 0 0 0 1 0"/>
    <camera name="side" pos="1.1 0 0.5" xyaxes="0 1 0 -0.4 0 0.92"/>
    <geom name="floor" type="plane" pos="0 0 -0.75" size="3 3 0.1" rgba="0.55 0.6 0.65 1"/>
    <geom name="table" type="box" pos="0 0 -0.025" size="0.5 0.5 0.025" rgba="0.75 0.6 0.45 1"/>
    <geom name="table_leg" type="box" pos="0 0 -0.4" size="0.08 0.08 0.35" rgba="0.4 0.3 0.25 1" contype="0" conaffinity="0"/>
    <body name="mocap" mocap="true" pos="0 -0.15 0.25"/>
    <body name="hand" pos="0 -0.15 0.25" gravcomp="1">
      <freejoint name="hand"/>
      <geom name="palm" type="box" size="0.02 0.065 0.012" rgba="0.3 0.3 0.35 1" contype="0" conaffinity="0" mass="0.5"/>
      <geom name="wrist" type="cylinder" pos="0 0 0.06" size="0.015 0.05" rgba="0.3 0.3 0.35 1" contype="0" conaffinity="0" mass="0.1"/>
      <site name="tcp" pos="0 0 -${TCP_OFFSET}" size="0.006" rgba="1 0.2 0.2 0.6"/>
      <body name="left_finger" pos="0 0.05 -0.04" gravcomp="1">
        <joint name="left_finger" type="slide" axis="0 -1 0" range="0 ${FINGER_TRAVEL}" damping="2" armature="0.01"/>
        <geom name="left_pad" class="finger" mass="0.05"/>
      </body>
      <body name="right_finger" pos="0 -0.05 -0.04" gravcomp="1">
        <joint name="right_finger" type="slide" axis="0 1 0" range="0 ${FINGER_TRAVEL}" damping="2" armature="0.01"/>
        <geom name="right_pad" class="finger" mass="0.05"/>
      </body>
    </body>
    ${parts.bodies}
  </worldbody>
  <actuator>
    <position name="left_finger" joint="left_finger" kp="300" ctrlrange="0 ${FINGER_TRAVEL}" forcerange="-20 20"/>
    <position name="right_finger" joint="right_finger" kp="300" ctrlrange="0 ${FINGER_TRAVEL}" forcerange="-20 20"/>
  </actuator>
  <equality>
    <weld name="hand_to_mocap" body1="mocap" body2="hand" solref="0.01 1"/>
  </equality>
  ${parts.extra ?? ''}
</mujoco>
`;
}

/** A free cube with half size `half` (m), density 500 kg/m^3. */
export function cube(name: string, half: number, rgba: string, pos = '0 0 0.1'): string {
  return `<body name="${name}" pos="${pos}">
      <freejoint name="${name}"/>
      <geom name="${name}" type="box" size="${half} ${half} ${half}" density="500" rgba="${rgba}"/>
    </body>`;
}

/** A free cylinder puck (radius 0.025, half height 0.02). */
export function puck(name: string, rgba: string): string {
  return `<body name="${name}" pos="0 0 0.1">
      <freejoint name="${name}"/>
      <geom name="${name}" type="cylinder" size="0.025 0.02" density="500" rgba="${rgba}"/>
    </body>`;
}

/** A goal marker (visual only, a mocap body so it can be moved at reset). */
export function goalMarker(rgba = '0.2 0.9 0.2 0.5', size = 0.02): string {
  return `<body name="goal" mocap="true" pos="0 0 0.1">
      <geom name="goal" type="sphere" size="${size}" rgba="${rgba}" contype="0" conaffinity="0"/>
    </body>`;
}

/** A cabinet with a sliding drawer (along -y toward the gripper) and a bar handle; drawer joint 0..0.15 m. */
export function drawer(): string {
  return `<body name="cabinet" pos="0 0.2 0">
      <geom name="cab_bottom" type="box" pos="0 0 0.005" size="0.12 0.12 0.005" rgba="0.45 0.5 0.6 1"/>
      <geom name="cab_top" type="box" pos="0 0 0.125" size="0.12 0.12 0.005" rgba="0.45 0.5 0.6 1"/>
      <geom name="cab_left" type="box" pos="-0.115 0 0.065" size="0.005 0.12 0.055" rgba="0.45 0.5 0.6 1"/>
      <geom name="cab_right" type="box" pos="0.115 0 0.065" size="0.005 0.12 0.055" rgba="0.45 0.5 0.6 1"/>
      <geom name="cab_back" type="box" pos="0 0.115 0.065" size="0.12 0.005 0.055" rgba="0.45 0.5 0.6 1"/>
      <body name="drawer" pos="0 -0.005 0.06">
        <joint name="drawer" type="slide" axis="0 -1 0" range="0 0.15" damping="3" armature="0.01"/>
        <geom name="drawer_front" type="box" pos="0 -0.115 0" size="0.105 0.005 0.045" rgba="0.8 0.55 0.3 1" density="300"/>
        <geom name="drawer_bottom" type="box" pos="0 0 -0.04" size="0.1 0.11 0.004" density="300" rgba="0.7 0.5 0.3 1"/>
        <geom name="drawer_handle" type="capsule" fromto="-0.04 -0.18 0 0.04 -0.18 0" size="0.01" rgba="0.2 0.2 0.2 1" density="300"/>
        <geom name="handle_left" type="capsule" fromto="-0.04 -0.12 0 -0.04 -0.18 0" size="0.006" rgba="0.2 0.2 0.2 1" density="300"/>
        <geom name="handle_right" type="capsule" fromto="0.04 -0.12 0 0.04 -0.18 0" size="0.006" rgba="0.2 0.2 0.2 1" density="300"/>
        <site name="handle" pos="0 -0.18 0" size="0.005"/>
      </body>
    </body>`;
}

/**
 * A door on a vertical hinge at its left edge, opening toward the gripper (range 0..1.2 rad), with a horizontal bar
 * handle.
 */
export function door(): string {
  return `<body name="frame" pos="0 0.2 0">
      <geom name="frame_post" type="box" pos="-0.13 0 0.12" size="0.01 0.02 0.12" rgba="0.45 0.5 0.6 1"/>
      <geom name="frame_post2" type="box" pos="0.13 0 0.12" size="0.01 0.02 0.12" rgba="0.45 0.5 0.6 1"/>
      <body name="door" pos="-0.12 0 0.12">
        <joint name="door" type="hinge" axis="0 0 -1" range="0 1.2" damping="0.5" armature="0.01"/>
        <geom name="door_panel" type="box" pos="0.12 0 0" size="0.11 0.008 0.11" rgba="0.8 0.55 0.3 1" density="200"/>
        <geom name="door_handle" type="capsule" fromto="0.15 -0.068 0.04 0.21 -0.068 0.04" size="0.01" rgba="0.2 0.2 0.2 1" density="200"/>
        <geom name="door_handle_a" type="capsule" fromto="0.15 -0.008 0.04 0.15 -0.068 0.04" size="0.006" rgba="0.2 0.2 0.2 1" density="200"/>
        <geom name="door_handle_b" type="capsule" fromto="0.21 -0.008 0.04 0.21 -0.068 0.04" size="0.006" rgba="0.2 0.2 0.2 1" density="200"/>
        <site name="handle" pos="0.18 -0.068 0.04" size="0.005"/>
      </body>
    </body>`;
}

/** A top-down push button (travel 0..0.02 m, spring back). */
export function button(): string {
  return `<body name="button_box" pos="0 0.1 0">
      <geom name="button_base" type="box" pos="0 0 0.03" size="0.05 0.05 0.03" rgba="0.45 0.5 0.6 1"/>
      <body name="button" pos="0 0 0.07">
        <joint name="button" type="slide" axis="0 0 -1" range="0 0.02" stiffness="20" springref="0" damping="1" armature="0.01"/>
        <geom name="button" type="cylinder" size="0.025 0.01" rgba="0.9 0.2 0.2 1" density="300"/>
        <site name="handle" pos="0 0 0.01" size="0.005"/>
      </body>
    </body>`;
}

/** A faucet: a fixed spout post with a lever turning about the vertical axis (0..pi/2 rad). */
export function faucet(): string {
  return `<body name="faucet_base" pos="0 0.1 0">
      <geom name="faucet_post" type="cylinder" pos="0 0 0.06" size="0.02 0.06" rgba="0.6 0.6 0.65 1" contype="0" conaffinity="0"/>
      <body name="faucet" pos="0 0 0.13">
        <joint name="faucet" type="hinge" axis="0 0 1" range="0 1.5708" damping="0.2" frictionloss="0.02" armature="0.005"/>
        <geom name="faucet_hub" type="cylinder" size="0.025 0.012" rgba="0.3 0.3 0.8 1" density="300"/>
        <geom name="faucet_lever" type="capsule" fromto="0 0 0 0 -0.11 0" size="0.01" rgba="0.3 0.3 0.8 1" density="300"/>
        <site name="handle" pos="0 -0.1 0" size="0.005"/>
      </body>
    </body>`;
}
