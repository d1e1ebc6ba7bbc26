import { NCELLS } from './consts.js';

/** Fields of view computed for one sight layout (what blocks sight and what is lit). */
export interface SightCache {
  views: Array<Int16Array | undefined>;
  dedupe: Map<number, Int16Array[]>;
  layout: Uint8Array;
}

const SHARED = new Map<number, SightCache[]>();
let sharedCount = 0;

/**
 * The sight cache for a layout, shared by every level with the same walls, doors, boulders and lighting
 * (fixed-map tasks rebuild the same room each episode; their views are then computed once).
 */
export function sightCacheFor(layout: Uint8Array): SightCache {
  let h = 2166136261;
  for (let i = 0; i < layout.length; i++) h = Math.imul(h ^ layout[i]!, 16777619);
  h >>>= 0;
  const bucket = SHARED.get(h);
  if (bucket) {
    for (const c of bucket) {
      let same = true;
      for (let i = 0; i < layout.length; i++)
        if (c.layout[i] !== layout[i]) {
          same = false;
          break;
        }
      if (same) return c;
    }
  }
  if (sharedCount >= 256) {
    SHARED.clear();
    sharedCount = 0;
  }
  const c: SightCache = { views: new Array<Int16Array | undefined>(NCELLS), dedupe: new Map(), layout: layout.slice() };
  if (bucket) bucket.push(c);
  else SHARED.set(h, [c]);
  sharedCount++;
  return c;
}
