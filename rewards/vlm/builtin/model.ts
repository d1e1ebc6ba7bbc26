import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RxgymError } from '../../../src/core/env.js';
import { Rng } from '../../../src/core/rng.js';
import { Mlp } from '../../../src/tensor/network.js';
import { ParamStore } from '../../../src/tensor/params.js';
import { loadWeights, saveWeights } from '../../../src/tensor/io.js';
import type { FrameBatch } from '../../../src/stream/batch.js';
import { IMAGE_DIM, imageInput, TEXT_DIM, textInput } from './features.js';

/** Embedding length of the built-in model. */
export const BUILTIN_DIM = 64;
/** Frame size the built-in model is trained on (its default frame request). */
export const BUILTIN_FRAME = { width: 48, height: 48 };
/** Logit scale of the contrastive loss (a fixed temperature of 1/10). */
const SCALE = 10;
/** Weight file name (BUILTIN_WEIGHTS/builtin.{json,bin}). */
const NAME = 'builtin';

/**
 * The directory of the shipped weights: rewards/vlm/builtin/weights of the package, whether this module runs from
 * the TypeScript sources or from dist/.
 */
export function builtinWeightsDir(): string {
  const here = new URL('./weights/', import.meta.url);
  const fromDist = new URL('../../../../rewards/vlm/builtin/weights/', import.meta.url);
  for (const u of [here, fromDist]) if (existsSync(fileURLToPath(new URL(`${NAME}.json`, u)))) return fileURLToPath(u);
  // none yet: the source tree's folder, which the package ships
  return fileURLToPath(import.meta.url.includes('/dist/') ? fromDist : here);
}

/**
 * rxgym's own small image-text model: an MLP over 24x24 area-averaged pixels and an MLP over hashed words and word
 * pairs, both ending in unit vectors of BUILTIN_DIM, trained contrastively on rxgym's renders and captions made from
 * the envs' states (`rxgym vlm pretrain`). A domain model for rxgym's pictures, not CLIP.
 */
export class BuiltinModel {
  readonly store = new ParamStore('vlm');
  private readonly image: Mlp;
  private readonly text: Mlp;
  private imgBuf = new Float32Array(0);

  constructor(seed = 0) {
    const rng = new Rng(seed);
    this.image = new Mlp(this.store, 'image', IMAGE_DIM, [256, 128], BUILTIN_DIM, 1, 'relu', rng);
    this.text = new Mlp(this.store, 'text', TEXT_DIM, [128], BUILTIN_DIM, 1, 'relu', rng);
  }

  /** Load weights from `dir` (default: the shipped ones); a missing file says how to rebuild it. */
  static load(dir = builtinWeightsDir()): BuiltinModel {
    if (!existsSync(`${dir}/${NAME}.json`)) {
      throw new RxgymError(
        `the built-in VLM encoder's weights are missing (${dir}/${NAME}.json); rebuild them with \`rxgym vlm ` +
          `pretrain --out ${dir}\``,
      );
    }
    const m = new BuiltinModel();
    m.store.restore(loadWeights(dir, NAME).entries);
    return m;
  }

  /** Write the weights (and `meta`, e.g. how they were trained) to `dir`. */
  save(dir: string, meta: Record<string, unknown>): void {
    saveWeights(dir, NAME, this.store.snapshot(), meta);
  }

  /** Unit text embeddings of [B, TEXT_DIM] inputs. */
  textTensor(x: tf.Tensor2D): tf.Tensor2D {
    return unit(this.text.apply(x));
  }

  /** Unit image embeddings of [B, IMAGE_DIM] inputs. */
  imageTensor(x: tf.Tensor2D): tf.Tensor2D {
    return unit(this.image.apply(x));
  }

  /** Unit embeddings of sentences, `texts.length x BUILTIN_DIM`. */
  embedTexts(texts: readonly string[]): Float32Array {
    const x = new Float32Array(texts.length * TEXT_DIM);
    texts.forEach((t, i) => textInput(t, x, i * TEXT_DIM));
    return tf.tidy(() => this.textTensor(tf.tensor2d(x, [texts.length, TEXT_DIM])).dataSync() as Float32Array);
  }

  /** Unit embeddings of frames `rows` of `frames` into `out`. */
  embedImages(frames: FrameBatch, rows: ArrayLike<number>, out: Float32Array): void {
    const n = rows.length;
    if (n === 0) return;
    if (this.imgBuf.length < n * IMAGE_DIM) this.imgBuf = new Float32Array(n * IMAGE_DIM);
    for (let i = 0; i < n; i++) imageInput(frames, rows[i]!, this.imgBuf, i * IMAGE_DIM);
    const emb = tf.tidy(() => this.imageTensor(tf.tensor2d(this.imgBuf.subarray(0, n * IMAGE_DIM), [n, IMAGE_DIM])));
    out.set(emb.dataSync() as Float32Array);
    emb.dispose();
  }

  /**
   * The symmetric contrastive loss of a batch whose items i and j share a caption where `same[i][j]` = 1 (a frame
   * is pulled towards every caption it has in the batch, each row's targets spread evenly over them).
   */
  loss(images: tf.Tensor2D, texts: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
    const I = this.imageTensor(images),
      T = this.textTensor(texts);
    const logits = tf.mul(tf.matMul(I, T, false, true), SCALE);
    const a = tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1)));
    const b = tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(tf.transpose(logits))), 1)));
    return tf.mul(tf.add(a, b), 0.5) as tf.Scalar;
  }

  dispose(): void {
    this.store.dispose();
  }
}

function unit(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.add(tf.norm(x, 'euclidean', 1, true), 1e-8)) as tf.Tensor2D;
}
