/** Engine action codes: the 8 compass moves (NLE order) then the command actions. */
export const enum Act {
  N = 0,
  E = 1,
  S = 2,
  W = 3,
  NE = 4,
  SE = 5,
  SW = 6,
  NW = 7,
  UP = 8,
  DOWN = 9,
  WAIT = 10,
  SEARCH = 11,
  PICKUP = 12,
  DROP = 13,
  EAT = 14,
  QUAFF = 15,
  READ = 16,
  WIELD = 17,
  WEAR = 18,
  OPEN = 19,
  CLOSE = 20,
  KICK = 21,
  APPLY = 22,
  ZAP = 23,
}

/** Action names by engine code (the names used by tasks and the level format). */
export const ACTION_NAMES = [
  'north',
  'east',
  'south',
  'west',
  'northeast',
  'southeast',
  'southwest',
  'northwest',
  'up',
  'down',
  'wait',
  'search',
  'pickup',
  'drop',
  'eat',
  'quaff',
  'read',
  'wield',
  'wear',
  'open',
  'close',
  'kick',
  'apply',
  'zap',
] as const;
/** An action name. */
export type ActionName = (typeof ACTION_NAMES)[number];

/** NetHack keys of the actions, for display. */
export const ACTION_KEYS = [
  'k',
  'l',
  'j',
  'h',
  'u',
  'n',
  'b',
  'y',
  '<',
  '>',
  '.',
  's',
  ',',
  'd',
  'e',
  'q',
  'r',
  'w',
  'W',
  'o',
  'c',
  '^D',
  'a',
  'z',
] as const;

/** The 8 compass moves (MiniHack's navigation action set). */
export const NAV_ACTIONS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7];
/** Every action (the skill and full-dungeon set). */
export const ALL_ACTIONS: readonly number[] = ACTION_NAMES.map((_, i) => i);

/** Engine codes of a list of action names, with a clear error for unknown names. */
export function actionCodes(names: readonly string[], where: string): number[] {
  return names.map((n) => {
    const i = (ACTION_NAMES as readonly string[]).indexOf(n);
    if (i < 0) throw new Error(`${where}: unknown action "${n}"; known actions: ${ACTION_NAMES.join(', ')}`);
    return i;
  });
}
