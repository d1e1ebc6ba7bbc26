/**
 * Captions of rxgym frames made from the env's `state()` (plain JSON), the training text of the built-in encoder:
 * the scene's neutral description (the default baseline) followed by the relations that hold now. Also the
 * ground-truth progress that `rxgym vlm score` correlates rewards with.
 */
type V3 = [number, number, number];
interface DungeonLike {
  player: { x: number; y: number };
  stairs: { down: [number, number] | null };
  monsters: Array<{ dist: number }>;
  objects: Array<{ dist: number; cls: string }>;
}
interface ManipLike {
  gripper: { pos: V3; grasping: string | null };
  goal: V3 | null;
  fixture: { name: string; openFraction: number } | null;
}
interface HumanoidLike {
  torso: { pos: V3; upright: number };
  points: Record<string, V3>;
  footContacts: Record<string, boolean>;
}
interface PendulumLike {
  pole: { angle: number };
}
interface MountainCarLike {
  position: number;
}
interface ArenaLike {
  x: number;
  y: number;
  size: number;
}

/** The env families that have captions. */
export type CaptionFamily = 'dungeon' | 'manip' | 'humanoid' | 'pendulum' | 'arena' | 'mountaincar';

/** The caption family of an env id, or undefined. */
export function captionFamily(envId: string): CaptionFamily | undefined {
  if (envId.startsWith('Dungeon-')) return 'dungeon';
  if (envId.startsWith('Manip-')) return 'manip';
  if (envId.startsWith('Humanoid')) return 'humanoid';
  if (envId.startsWith('InvertedPendulum')) return 'pendulum';
  if (envId.startsWith('Explore-Arena')) return 'arena';
  if (envId.startsWith('MountainCar-')) return 'mountaincar';
  return undefined;
}

const cheb = (a: readonly number[], b: readonly number[]): number =>
  Math.max(Math.abs(a[0]! - b[0]!), Math.abs(a[1]! - b[1]!));
const dist = (a: readonly number[], b: readonly number[]): number =>
  Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

function dungeon(s: DungeonLike): string[] {
  const out: string[] = [];
  const st = s.stairs.down;
  const d = st ? cheb([s.player.x, s.player.y], st) : Infinity;
  if (d === 0) out.push('the player stands on the stairs');
  else if (d === 1) out.push('the player is next to the stairs');
  else if (d <= 3) out.push('the player is near the stairs');
  else if (st) out.push('the stairs are far from the player');
  else out.push('no stairs are in sight');
  if (s.monsters.some((m) => m.dist === 1)) out.push('a monster is next to the player');
  const obj = s.objects.find((o) => o.dist <= 1);
  if (obj) out.push(`the player is next to a ${obj.cls === 'tool' ? 'key' : 'thing'}`);
  return out;
}

function manip(s: ManipLike): string[] {
  const out: string[] = [];
  const z = s.gripper.pos[2];
  out.push(
    z > 0.2
      ? 'the gripper is high above the table'
      : z < 0.08
        ? 'the gripper is low near the table'
        : 'the gripper is at middle height',
  );
  if (s.goal) {
    const d = dist(s.gripper.pos, s.goal);
    out.push(
      d <= 0.05
        ? 'the gripper is at the goal'
        : d <= 0.15
          ? 'the gripper is near the goal'
          : 'the gripper is far from the goal',
    );
  }
  if (s.fixture)
    out.push(
      `the ${s.fixture.name} is ` +
        `${s.fixture.openFraction > 0.7 ? 'open' : s.fixture.openFraction < 0.2 ? 'closed' : 'half open'}`,
    );
  if (s.gripper.grasping) out.push('the gripper holds an object');
  return out;
}

function humanoid(s: HumanoidLike): string[] {
  const out: string[] = [];
  const z = s.torso.pos[2];
  const kneel = s.footContacts.right_shin1 && s.footContacts.left_shin1;
  if (kneel && s.torso.upright > 0.8) out.push('the humanoid robot is kneeling');
  else if (z > 1.0 && s.torso.upright > 0.8) out.push('the humanoid robot is standing');
  else if (z < 0.5) out.push('the humanoid robot is lying on the ground');
  else out.push('the humanoid robot is crouching');
  const head = s.points.head?.[2] ?? 0;
  const up = ['right_hand', 'left_hand'].filter((h) => (s.points[h]?.[2] ?? 0) > head + 0.1).length;
  if (up === 2) out.push('both arms are raised');
  else if (up === 1) out.push('one arm is raised');
  return out;
}

function pendulum(s: PendulumLike): string[] {
  const a = s.pole.angle;
  return [Math.abs(a) < 0.05 ? 'the pole is upright' : a > 0 ? 'the pole leans left' : 'the pole leans right'];
}

function arena(s: ArenaLike): string[] {
  const third = (v: number): number => (v < -s.size / 3 ? 0 : v > s.size / 3 ? 2 : 1);
  const row = ['bottom', 'middle', 'top'][third(s.y)]!,
    col = ['left', 'centre', 'right'][third(s.x)]!;
  return [row === 'middle' && col === 'centre' ? 'the dot is in the centre' : `the dot is in the ${row} ${col}`];
}

/**
 * MountainCar: where the car is on the track `sin(3x)` (x in [-1.2, 0.6], the valley's bottom at -0.52, the flag at
 * 0.5), in six stretches. Velocity is left out: one frame does not show it.
 */
function mountainCar(s: MountainCarLike): string[] {
  const x = s.position;
  if (x >= 0.5) return ['the car is at the flag'];
  if (x >= 0.2) return ['the car is high on the right hill'];
  if (x >= -0.3) return ['the car is on the right slope'];
  if (x > -0.75) return ['the car is at the bottom of the valley'];
  if (x > -1.0) return ['the car is on the left slope'];
  return ['the car is high on the left hill'];
}

const SCENE: Record<CaptionFamily, string> = {
  dungeon: 'a dungeon',
  manip: 'a robot gripper above a table',
  humanoid: 'a humanoid robot',
  pendulum: 'a cart with a pole',
  arena: 'a dot in an arena',
  mountaincar: 'a car in a valley',
};

/** The relations that hold in `state` (one phrase each), for an env of `family`. */
export function relations(family: CaptionFamily, state: unknown): string[] {
  switch (family) {
    case 'dungeon':
      return dungeon(state as DungeonLike);
    case 'manip':
      return manip(state as ManipLike);
    case 'humanoid':
      return humanoid(state as HumanoidLike);
    case 'pendulum':
      return pendulum(state as PendulumLike);
    case 'arena':
      return arena(state as ArenaLike);
    case 'mountaincar':
      return mountainCar(state as MountainCarLike);
  }
}

/** A caption: the scene, then the relations (`a dungeon: the player is next to the stairs, ...`). */
export function caption(family: CaptionFamily, rels: readonly string[]): string {
  return `${SCENE[family]}: ${rels.join(', ')}`;
}

/**
 * Ground-truth progress of a state towards the usual goal of its env, for correlation with rewards: minus the distance
 * to the stairs (dungeon) or to the goal (Manip with a goal), the fixture's open fraction (closed fraction for the
 * Close tasks), the lower hand's height above the head (ArmsUp), the head height (other humanoids), minus the pole
 * angle, x + y (arena: towards the top right), the car's position (MountainCar: towards the flag); undefined when
 * there is none.
 */
export function progressOf(envId: string, state: unknown): number | undefined {
  const family = captionFamily(envId);
  if (family === 'dungeon') {
    const s = state as DungeonLike;
    return s.stairs.down ? -cheb([s.player.x, s.player.y], s.stairs.down) : undefined;
  }
  if (family === 'manip') {
    const s = state as ManipLike;
    if (s.fixture) return envId.includes('Close') ? 1 - s.fixture.openFraction : s.fixture.openFraction;
    return s.goal ? -dist(s.gripper.pos, s.goal) : undefined;
  }
  if (family === 'humanoid') {
    const s = state as HumanoidLike;
    const head = s.points.head?.[2] ?? 0;
    if (envId.includes('ArmsUp')) return Math.min(s.points.right_hand?.[2] ?? 0, s.points.left_hand?.[2] ?? 0) - head;
    return head;
  }
  if (family === 'pendulum') return -Math.abs((state as PendulumLike).pole.angle);
  if (family === 'arena') return (state as ArenaLike).x + (state as ArenaLike).y;
  if (family === 'mountaincar') return (state as MountainCarLike).position;
  return undefined;
}
