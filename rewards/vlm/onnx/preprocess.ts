import { RxgymError } from '../../../src/core/env.js';
import { readJson } from './files.js';

/** CLIP image preprocessing read from preprocessor_config.json. */
export interface ClipPreprocess {
  resize: number;
  crop: { width: number; height: number };
  mean: number[];
  std: number[];
  rescale: number;
}

function side(v: unknown, key: string): number | { width: number; height: number } | undefined {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, number>;
    if (typeof o.shortest_edge === 'number') return o.shortest_edge;
    if (typeof o.height === 'number' && typeof o.width === 'number') return { width: o.width, height: o.height };
  }
  if (v === undefined) return undefined;
  throw new RxgymError(`onnx encoder: preprocessor_config.json ${key} ${JSON.stringify(v)} is not a size`);
}

/** Read preprocessor_config.json (size / shortest_edge, crop_size, image_mean, image_std, rescale_factor). */
export function readPreprocess(path: string): ClipPreprocess {
  const c = readJson(path);
  const size = side(c.size, 'size') ?? 224;
  const crop = side(c.crop_size, 'crop_size') ?? size;
  const cropWH = typeof crop === 'number' ? { width: crop, height: crop } : crop;
  const resize = typeof size === 'number' ? size : Math.min(size.width, size.height);
  const mean = (c.image_mean as number[] | undefined) ?? [0.48145466, 0.4578275, 0.40821073];
  const std = (c.image_std as number[] | undefined) ?? [0.26862954, 0.26130258, 0.27577711];
  return {
    resize,
    crop: cropWH,
    mean,
    std,
    rescale: typeof c.rescale_factor === 'number' ? c.rescale_factor : 1 / 255,
  };
}

/**
 * One RGB frame (`w x h x 3` bytes at `src[offset...]`) as CLIP pixel values (NCHW floats at `out[o...]`): shortest
 * edge resized to `resize` (bilinear, where CLIP uses bicubic), centre crop, rescale, normalise by mean and std.
 */
export function preprocessFrame(
  p: ClipPreprocess,
  src: Uint8Array,
  offset: number,
  w: number,
  h: number,
  out: Float32Array,
  o: number,
): void {
  const scale = p.resize / Math.min(w, h);
  const rw = Math.round(w * scale),
    rh = Math.round(h * scale);
  const x0 = Math.floor((rw - p.crop.width) / 2),
    y0 = Math.floor((rh - p.crop.height) / 2);
  const plane = p.crop.width * p.crop.height;
  for (let y = 0; y < p.crop.height; y++) {
    const sy = Math.min(h - 1, Math.max(0, (y + y0 + 0.5) / scale - 0.5));
    const ya = Math.floor(sy),
      yb = Math.min(h - 1, ya + 1),
      fy = sy - ya;
    for (let x = 0; x < p.crop.width; x++) {
      const sx = Math.min(w - 1, Math.max(0, (x + x0 + 0.5) / scale - 0.5));
      const xa = Math.floor(sx),
        xb = Math.min(w - 1, xa + 1),
        fx = sx - xa;
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number): number => src[offset + (yy * w + xx) * 3 + c]!;
        const v = (1 - fy) * ((1 - fx) * at(ya, xa) + fx * at(ya, xb)) + fy * ((1 - fx) * at(yb, xa) + fx * at(yb, xb));
        out[o + c * plane + y * p.crop.width + x] = (v * p.rescale - p.mean[c]!) / p.std[c]!;
      }
    }
  }
}
