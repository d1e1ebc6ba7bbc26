import { checkFrameSize, type FrameRequest } from '../../src/core/capabilities.js';
import { RxgymError, type RgbFrame } from '../../src/core/env.js';

/** The one view of the arena: from above. */
export const ARENA_CAMERAS = ['top'] as const;

const FLOOR = [225, 222, 210];
const LINE = [200, 196, 182];
const WALL = [70, 70, 80];
const MASS = [200, 40, 40];

/**
 * Draws the arena from above into one reused frame: a light floor with the unit grid of its exploration cells, a
 * dark wall border and the point mass as a red disc (radius 0.4 units, at least 1/24 of the frame). +y points up.
 */
export class ArenaFrames {
  readonly frame: RgbFrame;
  private readonly background: Uint8Array;

  constructor(
    id: string,
    req: FrameRequest,
    private readonly size: number,
  ) {
    const { width, height } = req;
    checkFrameSize(id, req);
    if (req.camera !== undefined && req.camera !== 'top')
      throw new RxgymError(`${id}: unknown camera "${req.camera}" for frames; the arena has "top"`);
    this.frame = { width, height, data: new Uint8Array(width * height * 3) };
    this.background = new Uint8Array(width * height * 3);
    const border = Math.max(1, Math.round(Math.min(width, height) / 64));
    for (let py = 0; py < height; py++) {
      for (let px = 0; px < width; px++) {
        const [wx, wy] = this.world(px + 0.5, py + 0.5);
        const edge = px < border || py < border || px >= width - border || py >= height - border;
        // a grid line where the pixel straddles an integer coordinate
        const line =
          Math.floor(wx + size) !== Math.floor(wx + size + (2 * size) / width) ||
          Math.floor(wy + size) !== Math.floor(wy + size + (2 * size) / height);
        const c = edge ? WALL : line ? LINE : FLOOR;
        this.background.set(c, (py * width + px) * 3);
      }
    }
  }

  /** World coordinates of pixel centre (px, py). */
  private world(px: number, py: number): [number, number] {
    const s = this.size;
    return [-s + (2 * s * px) / this.frame.width, s - (2 * s * py) / this.frame.height];
  }

  /** Draw the mass at (x, y) into `frame` (the same object every call). */
  render(x: number, y: number): RgbFrame {
    const { width, height, data } = this.frame;
    data.set(this.background);
    const s = this.size;
    const cx = ((x + s) / (2 * s)) * width,
      cy = ((s - y) / (2 * s)) * height;
    // at least 1/24 of the frame: an image encoder that sees a downsampled frame still sees the mass
    const rx = Math.max(width / 24, (0.4 / (2 * s)) * width),
      ry = Math.max(height / 24, (0.4 / (2 * s)) * height);
    const y0 = Math.max(0, Math.floor(cy - ry)),
      y1 = Math.min(height - 1, Math.ceil(cy + ry));
    const x0 = Math.max(0, Math.floor(cx - rx)),
      x1 = Math.min(width - 1, Math.ceil(cx + rx));
    for (let py = y0; py <= y1; py++) {
      for (let px = x0; px <= x1; px++) {
        const dx = (px + 0.5 - cx) / rx,
          dy = (py + 0.5 - cy) / ry;
        if (dx * dx + dy * dy <= 1) data.set(MASS, (py * width + px) * 3);
      }
    }
    return this.frame;
  }
}
