import type { MjData } from '@mujoco/mujoco';

/** One contact as plain numbers (copied out of WASM). */
export interface ContactInfo {
  geom1: number;
  geom2: number;
  dist: number;
  pos: [number, number, number];
}

/**
 * Visit every active contact without the documented leak (google-deepmind/mujoco#3068):
 * `d.contact` copies the whole vector on every access, so it is read ONCE, each element is
 * deleted after use and the vector itself is deleted at the end.
 */
export function forEachContact(
  d: MjData,
  visit: (geom1: number, geom2: number, dist: number, pos: Float64Array) => void,
): void {
  if (d.ncon === 0) return;
  const vec = d.contact;
  try {
    const n = Math.min(vec.size(), d.ncon);
    for (let i = 0; i < n; i++) {
      const c = vec.get(i);
      if (!c) continue;
      try {
        visit(c.geom1, c.geom2, c.dist, c.pos as Float64Array);
      } finally {
        c.delete();
      }
    }
  } finally {
    vec.delete();
  }
}

/** All active contacts copied into plain objects. */
export function readContacts(d: MjData): ContactInfo[] {
  const out: ContactInfo[] = [];
  forEachContact(d, (g1, g2, dist, pos) => out.push({ geom1: g1, geom2: g2, dist, pos: [pos[0]!, pos[1]!, pos[2]!] }));
  return out;
}
