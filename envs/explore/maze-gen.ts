import { Rng } from '../../src/core/rng.js';

/**
 * A perfect maze of `w x h` cells by randomised depth-first search, as a `(2h+1) x (2w+1)` grid
 * (row-major, 1 = wall, 0 = floor); cell (cx, cy) sits at grid (2cx+1, 2cy+1).
 */
export function generateMaze(w: number, h: number, seed: number): Uint8Array {
  const W = 2 * w + 1,
    H = 2 * h + 1;
  const grid = new Uint8Array(W * H).fill(1);
  const rng = new Rng(seed);
  const visited = new Uint8Array(w * h);
  const stack: number[] = [0];
  visited[0] = 1;
  grid[W + 1] = 0;
  const dirs = [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
  ] as const;
  while (stack.length > 0) {
    const c = stack[stack.length - 1]!;
    const cx = c % w,
      cy = Math.floor(c / w);
    const open = dirs.filter(([dx, dy]) => {
      const nx = cx + dx,
        ny = cy + dy;
      return nx >= 0 && ny >= 0 && nx < w && ny < h && !visited[ny * w + nx];
    });
    if (open.length === 0) {
      stack.pop();
      continue;
    }
    const [dx, dy] = rng.choice(open);
    const nx = cx + dx,
      ny = cy + dy;
    visited[ny * w + nx] = 1;
    grid[(2 * cy + 1 + dy) * W + (2 * cx + 1 + dx)] = 0;
    grid[(2 * ny + 1) * W + (2 * nx + 1)] = 0;
    stack.push(ny * w + nx);
  }
  return grid;
}
