import { fromSync, type ImageTextEncoder } from '../encoder.js';
import { BUILTIN_DIM, BUILTIN_FRAME, BuiltinModel } from './model.js';

/** The built-in encoder from the shipped weights (or those in `dir`); needs the tensor backend initialised. */
export function builtinEncoder(dir?: string): ImageTextEncoder {
  const model = BuiltinModel.load(dir);
  return fromSync({
    name: 'builtin',
    dim: BUILTIN_DIM,
    frameSize: BUILTIN_FRAME,
    sync: { embedTexts: (t) => model.embedTexts(t), embedImages: (f, rows, out) => model.embedImages(f, rows, out) },
    dispose: () => model.dispose(),
  });
}
