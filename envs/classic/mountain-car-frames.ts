import { checkFrameSize, type FrameRequest } from '../../src/core/capabilities.js';
import { RxgymError, type RgbFrame } from '../../src/core/env.js';
import { clear, fillCircle, fillPolygon, thickLine } from './raster.js';

/** The one view of MountainCar: from the side, as its `rgb_array` render. */
export const MOUNTAIN_CAR_CAMERAS = ['side'] as const;

const MIN_POS = -1.2,
  MAX_POS = 0.6,
  GOAL_POS = 0.5;

/**
 * Draws MountainCar from the side into one reused frame of any size: the track `sin(3x)`, the flag and the car. The
 * layout is the 600x400 `rgb_array` render's, scaled to the frame, except that the car is at least 1/7 of the frame
 * wide, so that an encoder that sees a small downsampled frame still sees where it is.
 */
export class MountainCarFrames {
  readonly frame: RgbFrame;
  private readonly background: Uint8Array;
  private readonly sx: number;
  private readonly sy: number;
  private readonly half: number;
  private readonly tall: number;

  constructor(id: string, req: FrameRequest) {
    const { width, height } = req;
    checkFrameSize(id, req);
    if (req.camera !== undefined && req.camera !== 'side')
      throw new RxgymError(`${id}: unknown camera "${req.camera}" for frames; MountainCar has "side"`);
    this.frame = { width, height, data: new Uint8Array(width * height * 3) };
    // pixels per world unit of the 600x400 render, scaled to this frame on each axis
    this.sx = width / (MAX_POS - MIN_POS);
    this.sy = (height / 400) * (600 / (MAX_POS - MIN_POS));
    this.half = Math.max((20 * width) / 600, width / 14);
    this.tall = Math.max((20 * height) / 400, height / 10);
    clear(this.frame, [255, 255, 255]);
    const line = Math.max(1, Math.round(width / 300));
    for (let k = 0; k < 99; k++) {
      const a = MIN_POS + (k / 99) * (MAX_POS - MIN_POS),
        b = MIN_POS + ((k + 1) / 99) * (MAX_POS - MIN_POS);
      thickLine(this.frame, this.px(a), this.py(a), this.px(b), this.py(b), line, [0, 0, 0]);
    }
    const fx = this.px(GOAL_POS),
      fy1 = this.py(GOAL_POS),
      fy2 = fy1 - Math.max((50 * height) / 400, height / 6);
    thickLine(this.frame, fx, fy1, fx, fy2, line, [0, 0, 0]);
    const flagH = Math.max((10 * height) / 400, height / 16),
      flagW = Math.max((25 * width) / 600, width / 12);
    fillPolygon(
      this.frame,
      [
        [fx, fy2],
        [fx, fy2 + flagH],
        [fx + flagW, fy2 + flagH / 2],
      ],
      [204, 204, 0],
    );
    this.background = this.frame.data.slice();
  }

  private px(x: number): number {
    return (x - MIN_POS) * this.sx;
  }

  /** Pixel row of the track at position `x` (the render's height 0.45 sin(3x) + 0.55, y down). */
  private py(x: number): number {
    return this.frame.height - (Math.sin(3 * x) * 0.45 + 0.55) * this.sy;
  }

  /** Draw the car at `position` into `frame` (the same object every call). */
  render(position: number): RgbFrame {
    const f = this.frame;
    f.data.set(this.background);
    // the car's axis follows the track's slope in pixels (the render uses the slope's cosine as an angle)
    const slope = Math.cos(3 * position) * 3 * 0.45 * this.sy;
    const ang = Math.atan2(slope, this.sx),
      ca = Math.cos(ang),
      sa = Math.sin(ang);
    const bx = this.px(position),
      by = this.py(position) - Math.max((10 * f.height) / 400, 1);
    const corner = (l: number, t: number): [number, number] => [bx + l * ca - t * sa, by - l * sa - t * ca];
    const h = this.half,
      t = this.tall;
    fillPolygon(f, [corner(-h, 0), corner(-h, t), corner(h, t), corner(h, 0)], [0, 0, 0]);
    for (const l of [h / 2, -h / 2]) {
      const [wx, wy] = corner(l, 0);
      fillCircle(f, wx, wy, Math.max(1, t * 0.4), [128, 128, 128]);
    }
    return f;
  }
}
