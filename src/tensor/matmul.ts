import * as tf from '@tensorflow/tfjs';

/**
 * Matrix products whose gradients avoid tfjs's transposed matMul kernels.
 *
 * tfjs computes the gradients of `matMul(a, b)` as `matMul(dy, b, false, true)` and `matMul(a, dy, true, false)`.
 * On the wasm backend those transposed variants are 4–8x slower than an explicit `transpose` followed by a plain
 * `matMul` (measured on [256,648]x[648,128]: 26 ms plain, 114–215 ms transposed, 33 ms transpose + plain), and they
 * dominate the training time of every network. The ops below have the same values and gradients as the tfjs ones;
 * their gradients use explicit transposes.
 */

/** a [M,K] x b [K,N] -> [M,N], with a gradient made of plain matMuls. */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor2D;
    const w = args[1] as tf.Tensor2D;
    const save = args[2] as tf.GradSaveFunc;
    save([x, w]);
    return {
      value: tf.matMul(x, w),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        const g = dy as tf.Tensor2D;
        return [tf.matMul(g, tf.transpose(sw)), tf.matMul(tf.transpose(sx), g)];
      },
    };
  });
  return op(a, b) as tf.Tensor2D;
}

/**
 * act(x W + b) for a dense layer: the forward pass is tfjs's fused kernel (bias and relu folded into the matmul), the
 * gradient uses plain matMuls on explicit transposes (see the module comment). `wide`: compute the gradients as
 * dx = (W dz^T)^T and dW = (dz^T x)^T instead of dz W^T and x^T dz. On wasm XNNPACK packs a matmul's right operand
 * anew whenever it changes, so for a layer with many inputs the large operand is better on the left: per 256-row
 * minibatch, a new tensor every call, 2592 -> 128 (the glyph CNN's dense layer): dx 5.9 -> 5.4 ms, dW 7.4 -> 6.1 ms;
 * 648 -> 128: 1.58 -> 1.51, 1.79 -> 1.61; narrow layers lose (64 -> 64: dx 0.08 -> 0.19 ms). Same values up to the
 * order of the sums; off by default, so the MLPs keep the arithmetic the direct kernels (direct-mlp.ts) reproduce.
 */
export function denseForward(
  x: tf.Tensor2D,
  W: tf.Tensor2D,
  b: tf.Tensor1D,
  activation: 'linear' | 'relu',
  wide = false,
): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xi = args[0] as tf.Tensor2D;
    const wi = args[1] as tf.Tensor2D;
    const bi = args[2] as tf.Tensor1D;
    const save = args[3] as tf.GradSaveFunc;
    const y = tf.fused.matMul({ a: xi, b: wi, bias: bi, activation });
    save(activation === 'relu' ? [xi, wi, y] : [xi, wi]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
        // relu'(z) is 1 where the output is positive, 0 elsewhere (0 at z = 0, as tfjs's own relu gradient).
        const dz = (sy ? tf.mul(dy, tf.step(sy)) : dy) as tf.Tensor2D;
        if (!wide) return [tf.matMul(dz, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dz), tf.sum(dz, 0)];
        const dzT = tf.transpose(dz);
        return [tf.transpose(tf.matMul(sw, dzT)), tf.transpose(tf.matMul(dzT, sx)), tf.sum(dz, 0)];
      },
    };
  });
  return op(x, W, b) as tf.Tensor2D;
}
