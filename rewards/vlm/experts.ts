import { RxgymError } from '../../src/core/env.js';

/** A scripted policy that reads the env's `state()`: returns the action to take. */
export type Expert = (state: unknown) => number | Float32Array;

interface DungeonLike {
  player: { x: number; y: number };
  stairs: { down: [number, number] | null };
}
interface ManipLike {
  gripper: { pos: number[] };
  goal: number[] | null;
}

/** Dungeon: step towards the down stairs once seen (compass actions 0-7: n, e, s, w, ne, se, sw, nw), else wander. */
function dungeonExpert(): Expert {
  let k = 0;
  return (state) => {
    const s = state as DungeonLike;
    const st = s.stairs.down;
    if (!st) return [0, 1, 2, 3][(k++ >> 3) % 4]!;
    const dx = Math.sign(st[0] - s.player.x),
      dy = Math.sign(st[1] - s.player.y);
    const table: Record<string, number> = {
      '0,-1': 0,
      '1,0': 1,
      '0,1': 2,
      '-1,0': 3,
      '1,-1': 4,
      '1,1': 5,
      '-1,1': 6,
      '-1,-1': 7,
      '0,0': 0,
    };
    return table[`${dx},${dy}`]!;
  };
}

/** Manip tasks with a goal: move the open gripper straight to it (each step moves at most 1 cm per axis). */
function reachExpert(): Expert {
  const a = new Float32Array(4);
  return (state) => {
    const s = state as ManipLike;
    if (!s.goal) throw new RxgymError('the reach expert needs a task with a goal position');
    for (let j = 0; j < 3; j++) a[j] = Math.max(-1, Math.min(1, (s.goal[j]! - s.gripper.pos[j]!) / 0.01));
    a[3] = -1;
    return a;
  };
}

/** MountainCar: pump energy, accelerating in the direction the car moves (right when still): reaches the flag. */
function mountainCarExpert(): Expert {
  return (state) => ((state as { velocity: number }).velocity >= 0 ? 2 : 0);
}

/** The scripted expert of `envId`, or an error listing the envs that have one. */
export function expertFor(envId: string): Expert {
  if (envId.startsWith('Dungeon-Room') || envId.startsWith('Dungeon-Corridor')) return dungeonExpert();
  if (envId === 'Manip-Reach-v0' || envId === 'Manip-PickPlace-v0' || envId === 'Manip-Push-v0') return reachExpert();
  if (envId === 'MountainCar-v0') return mountainCarExpert();
  throw new RxgymError(
    `no scripted expert for ${envId}; experts exist for Dungeon-Room-*, Dungeon-Corridor-* (walk to the stairs) and ` +
      `Manip-Reach-v0 (move to the goal), MountainCar-v0 (pump energy); use --policy random or a run directory`,
  );
}
