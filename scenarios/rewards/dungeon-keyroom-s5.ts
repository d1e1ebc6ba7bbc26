// Reward for Dungeon-KeyRoom-S5-v0, written by hand in the style of an LLM answer to `rxgym reward generate`,
// from the `rxgym reward types Dungeon-KeyRoom-S5-v0` text alone (no access to the env's source).
// Task: pick up the key, unlock the closet door, reach the down stairs.
//
// Plan (stages; each later stage pays more than anything earlier):
//   1. no key yet: walk towards the key (distance decrease), bonus when it enters the inventory;
//   2. key in hand, stairs not seen: explore (newly seen cells), bonus when the stairs come into view (door open);
//   3. stairs seen: walk towards them; large bonus on success.

const KEY_APPROACH_SCALE = 0.1;
const KEY_PICKUP_BONUS = 1.0;
const EXPLORE_SCALE = 0.02;
const STAIRS_SEEN_BONUS = 1.0;
const STAIRS_APPROACH_SCALE = 0.2;
const SUCCESS_BONUS = 10.0;
const STEP_COST = -0.005;

function hasKey(s: { inventory: { name: string }[] }): boolean {
  return s.inventory.some((item) => /key/i.test(item.name));
}

function keyDistance(s: { objects: { name: string; dist: number }[] }): number | null {
  const key = s.objects.find((o) => /key/i.test(o.name));
  return key ? key.dist : null;
}

function stairsDistance(s: { player: { x: number; y: number }; stairs: { down: [number, number] | null } }): number | null {
  const d = s.stairs.down;
  if (!d) return null;
  // moves include diagonals, so the walking distance is the Chebyshev distance
  return Math.max(Math.abs(d[0] - s.player.x), Math.abs(d[1] - s.player.y));
}

export function reward(prev: any, action: number, next: any, info: { success: boolean }) {
  const components = {
    key_approach: 0,
    key_pickup: 0,
    explore: 0,
    stairs_seen: 0,
    stairs_approach: 0,
    success: 0,
    step: STEP_COST,
  };
  if (!hasKey(next)) {
    const before = keyDistance(prev);
    const after = keyDistance(next);
    if (before !== null && after !== null) components.key_approach = KEY_APPROACH_SCALE * (before - after);
  } else {
    if (!hasKey(prev)) components.key_pickup = KEY_PICKUP_BONUS;
    const before = stairsDistance(prev);
    const after = stairsDistance(next);
    if (after === null) {
      components.explore = EXPLORE_SCALE * Math.max(0, next.seenCells - prev.seenCells);
    } else if (before === null) {
      components.stairs_seen = STAIRS_SEEN_BONUS;
    } else {
      components.stairs_approach = STAIRS_APPROACH_SCALE * (before - after);
    }
  }
  if (info.success) components.success = SUCCESS_BONUS;
  let total = 0;
  for (const k in components) total += (components as Record<string, number>)[k]!;
  return { total, components };
}
