import { checkFrameSize, type FrameRequest } from '../../src/core/capabilities.js';
import { RxgymError, type RgbFrame } from '../../src/core/env.js';
import { COLS, ROWS } from './engine/consts.js';
import type { Game } from './engine/game.js';
import { drawTile, TILE } from './tiles.js';

/** The views a dungeon frame can show: the cells around the player (default) or the whole map. */
export const DUNGEON_CAMERAS = ['crop', 'map'] as const;

/** Cells on each side of the crop's edge: the crop is CROP x CROP cells centred on the player. */
const CROP = 9;

/**
 * Renders the dungeon for frame consumers into one reused frame: tiles of the `crop` (CROP x CROP cells around the
 * player, so that a small image encoder sees what is next to it) or of the whole `map`, drawn once at tile
 * resolution and resampled (nearest pixel) to the requested size.
 */
export class DungeonFrames {
  readonly frame: RgbFrame;
  private readonly tiles: Uint8Array;
  private readonly cols: number;
  private readonly rows: number;
  private readonly srcX: Int32Array;
  private readonly srcY: Int32Array;

  constructor(id: string, req: FrameRequest) {
    const { width, height } = req;
    checkFrameSize(id, req);
    const camera = req.camera ?? 'crop';
    if (camera !== 'crop' && camera !== 'map') {
      throw new RxgymError(
        `${id}: unknown camera "${camera}" for frames; the dungeon has "crop" (around the player) and "map"`,
      );
    }
    this.cols = camera === 'crop' ? CROP : COLS;
    this.rows = camera === 'crop' ? CROP : ROWS;
    this.tiles = new Uint8Array(this.cols * TILE * this.rows * TILE * 3);
    this.frame = { width, height, data: new Uint8Array(width * height * 3) };
    const sw = this.cols * TILE,
      sh = this.rows * TILE;
    this.srcX = Int32Array.from({ length: width }, (_, x) => Math.min(sw - 1, Math.floor(((x + 0.5) * sw) / width)));
    this.srcY = Int32Array.from({ length: height }, (_, y) => Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / height)));
  }

  /** Draw the game as it is now into `frame` (the same object every call). */
  render(g: Game): RgbFrame {
    const sw = this.cols * TILE;
    const full = this.cols === COLS;
    const px = g.pos % COLS,
      py = (g.pos / COLS) | 0;
    const half = (CROP - 1) >> 1;
    for (let r = 0; r < this.rows; r++) {
      for (let c = 0; c < this.cols; c++) {
        const x = full ? c : px - half + c,
          y = full ? r : py - half + r;
        // cells outside the map are drawn as glyph 0 (unexplored stone): blank
        const glyph = x >= 0 && x < COLS && y >= 0 && y < ROWS ? g.disp[y * COLS + x]! : 0;
        drawTile(this.tiles, sw, c * TILE, r * TILE, glyph);
      }
    }
    const out = this.frame.data,
      w = this.frame.width;
    for (let y = 0; y < this.frame.height; y++) {
      const row = this.srcY[y]! * sw;
      for (let x = 0; x < w; x++) {
        const s = (row + this.srcX[x]!) * 3,
          d = (y * w + x) * 3;
        out[d] = this.tiles[s]!;
        out[d + 1] = this.tiles[s + 1]!;
        out[d + 2] = this.tiles[s + 2]!;
      }
    }
    return this.frame;
  }
}
