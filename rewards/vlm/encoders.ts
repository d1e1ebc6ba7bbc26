import { closestName } from '../../src/core/params.js';
import { RewardConfigError } from '../../src/core/reward.js';
import type { ImageTextEncoder } from './encoder.js';
import { builtinEncoder } from './builtin/encoder.js';
import { onnxEncoder } from './onnx/clip.js';
import { httpEmbeddingEncoder } from './http/embeddings.js';

/** The encoder kinds a `encoder:` option names. */
export const ENCODER_KINDS = ['builtin', 'onnx:<dir>', 'http', 'http:embeddings'] as const;

/**
 * Build the encoder an `encoder:` option names (`builtin`, `onnx:<dir>`, `http:embeddings`: asynchronous, for
 * `rxgym vlm score`); in training `http` and `http:embeddings` are sources of their own.
 */
export function openEncoder(spec: string): ImageTextEncoder {
  if (spec === 'builtin') return builtinEncoder();
  if (spec.startsWith('builtin:')) return builtinEncoder(spec.slice('builtin:'.length));
  if (spec.startsWith('onnx:')) {
    const dir = spec.slice('onnx:'.length);
    if (dir === '')
      throw new RewardConfigError('encoder', 'onnx needs a model directory: encoder: "onnx:/path/to/clip"');
    return onnxEncoder(dir);
  }
  if (spec === 'http:embeddings') return httpEmbeddingEncoder({});
  if (spec === 'http') {
    throw new RewardConfigError(
      'encoder',
      'http is a vision chat judge, not an embedding encoder: use it as the encoder of `source: vlm` or `rxgym vlm ' +
        'score --encoder http`',
    );
  }
  const hint = closestName(spec.replace(/:.*$/, ''), ['builtin', 'onnx', 'http']);
  throw new RewardConfigError(
    'encoder',
    `unknown encoder ${JSON.stringify(spec)}${hint ? `; did you mean "${hint}"?` : ''} (use ` +
      `${ENCODER_KINDS.join(', ')})`,
  );
}
