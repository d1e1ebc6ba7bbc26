import type { ObsBatch } from '../src/core/obs-batch.js';
import type { DirectEncoder } from '../src/tensor/direct-encoder.js';
import { DirectMlp } from '../src/tensor/direct-mlp.js';
import type { Mlp } from '../src/tensor/network.js';
import type { WasmBuffer, WasmKernels } from '../src/tensor/wasm-direct.js';

const f = Math.fround;

/** PPO's loss settings the direct path reads. */
export interface DirectLossHp {
  clipCoef: number;
  entCoef: number;
  vfCoef: number;
  clipVloss: boolean;
}

/** One minibatch for `PpoDirect.gradients`, rows gathered on the host. */
export interface DirectMinibatch {
  obs: ObsBatch;
  actions: Int32Array;
  /** [rows, A], 1 = allowed, or undefined. */
  mask: Uint8Array | undefined;
  oldLogp: Float32Array;
  adv: Float32Array;
  /** [rows, H] */
  ret: Float32Array;
  /** [rows, H] */
  oldV: Float32Array;
}

/** Wasm-heap scratch of one row count: logits and their exp ([rows, A]), row sums and logs, log-ratio and ratio. */
interface Scratch {
  x: WasmBuffer;
  e: WasmBuffer;
  s: WasmBuffer;
  ls: WasmBuffer;
  lr: WasmBuffer;
  ratio: WasmBuffer;
}

/** Rows summed in order from 0, as the backend's Sum and Mean kernels do. */
function sumRange(x: Float32Array, from: number, to: number): number {
  let acc = 0;
  for (let i = from; i < to; i++) acc = f(acc + x[i]!);
  return acc;
}

/**
 * PPO's discrete loss and its gradient for the encoders `DirectEncoder` runs and MLP heads, computed with direct
 * kernel calls and float32 host arithmetic instead of tfjs's tape: the same operations
 * in the same order as `PpoAgent.loss` under `tf.variableGrads` (each op's gradient as tfjs defines it; a tensor used
 * several times sums its gradients in reverse tape order), so the gradients are equal bit for bit.
 */
export class PpoDirect {
  private readonly actor: DirectMlp;
  private readonly critic: DirectMlp;
  private readonly scratch = new Map<number, Scratch>();
  private readonly offsets: { actor: [number, number][]; critic: [number, number][] };

  constructor(
    private readonly k: WasmKernels,
    private readonly encoder: DirectEncoder,
    actor: Mlp,
    critic: Mlp,
    /** The flat-gradient offset of each variable (Adam's layout), by variable. */
    private readonly offsetOf: (v: object) => number,
  ) {
    this.actor = new DirectMlp(k, actor, encoder.featureDim);
    this.critic = new DirectMlp(k, critic, encoder.featureDim);
    const offs = (m: Mlp): [number, number][] => m.dense.map((l) => [offsetOf(l.W), offsetOf(l.b)]);
    this.offsets = { actor: offs(actor), critic: offs(critic) };
  }

  private work(rows: number, A: number): Scratch {
    let w = this.scratch.get(rows);
    if (!w) {
      const a = (size: number): WasmBuffer => this.k.alloc(size);
      w = { x: a(rows * A), e: a(rows * A), s: a(rows), ls: a(rows), lr: a(rows), ratio: a(rows) };
      this.scratch.set(rows, w);
    }
    return w;
  }

  /** Free the wasm-heap buffers. */
  dispose(): void {
    this.k.dispose();
  }

  /**
   * Actor outputs then values, interleaved per row ([rows, A + H], as `PpoAgent.forward` returns them), for
   * `rows` observations.
   */
  forward(obs: ObsBatch, rows: number): Float32Array {
    const x = this.encoder.forward(obs, rows);
    const aBuf = this.actor.forward(x.id, rows);
    const v = this.critic.forward(x.id, rows).view();
    const a = aBuf.view();
    const A = this.actor.outDim;
    const H = this.critic.outDim;
    const out = new Float32Array(rows * (A + H));
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < A; j++) out[r * (A + H) + j] = a[r * A + j]!;
      for (let h = 0; h < H; h++) out[r * (A + H) + A + h] = v[r * H + h]!;
    }
    return out;
  }

  /**
   * The loss of one minibatch and its gradient, written into `grads` (Adam's flat layout). Returns the loss and the
   * auxiliary values [policy loss, value loss, entropy, approx KL, clip fraction].
   */
  gradients(
    mb: DirectMinibatch,
    rows: number,
    hp: DirectLossHp,
    grads: Float32Array,
  ): { loss: number; aux: Float32Array } {
    const A = this.actor.outDim;
    const H = this.critic.outDim;
    const w = this.work(rows, A);
    const x = this.encoder.forward(mb.obs, rows);
    // views after both forwards: a first forward allocates, and growing the wasm heap detaches older views
    const outBuf = this.actor.forward(x.id, rows);
    const newV = this.critic.forward(x.id, rows).view();
    const out = outBuf.view();
    const n = rows * A;

    // logits (masked) and logSoftmax: shifted = l - max, value = shifted - log(sum(exp(shifted)))
    const shifted = w.x.view();
    for (let r = 0; r < rows; r++) {
      let mx = -Infinity;
      for (let j = 0; j < A; j++) {
        const l = mb.mask && !mb.mask[r * A + j] ? -1e9 : out[r * A + j]!;
        shifted[r * A + j] = l;
        if (l > mx || Number.isNaN(l)) mx = l;
      }
      for (let j = 0; j < A; j++) shifted[r * A + j] = f(shifted[r * A + j]! - mx);
    }
    this.k.exp(w.x, w.e);
    const sv = w.s.view();
    const ev0 = w.e.view();
    for (let r = 0; r < rows; r++) sv[r] = sumRange(ev0, r * A, (r + 1) * A);
    this.k.log(w.s, w.ls);
    const lsv = w.ls.view();
    const value = new Float32Array(n);
    const sh = w.x.view();
    for (let r = 0; r < rows; r++) for (let j = 0; j < A; j++) value[r * A + j] = f(sh[r * A + j]! - lsv[r]!);
    // p = exp(value): the entropy's probabilities and logSoftmax's softmax in its gradient
    w.x.view().set(value);
    this.k.exp(w.x, w.e);
    const p = w.e.view().slice(0, n);

    const newLogp = new Float32Array(rows);
    const q = new Float32Array(n);
    let entSum = 0;
    for (let r = 0; r < rows; r++) {
      let acc = 0;
      let accQ = 0;
      for (let j = 0; j < A; j++) {
        acc = f(acc + f(value[r * A + j]! * (mb.actions[r] === j ? 1 : 0)));
        q[r * A + j] = f(p[r * A + j]! * value[r * A + j]!);
        accQ = f(accQ + q[r * A + j]!);
      }
      newLogp[r] = acc;
      entSum = f(entSum + -accQ);
    }
    const entropy = f(entSum / rows);

    // ratio = exp(newLogp - oldLogp); approx KL and clip fraction (reported only)
    const lrv = w.lr.view();
    for (let r = 0; r < rows; r++) lrv[r] = f(newLogp[r]! - mb.oldLogp[r]!);
    this.k.exp(w.lr, w.ratio);
    const ratio = w.ratio.view().slice(0, rows);
    const logRatio = w.lr.view().slice(0, rows);
    const c = f(hp.clipCoef);
    const lo = f(1 - hp.clipCoef);
    const hi = f(1 + hp.clipCoef);
    let kl = 0;
    let clipped = 0;
    for (let r = 0; r < rows; r++) {
      const d = f(ratio[r]! - 1);
      kl = f(kl + f(d - logRatio[r]!));
      clipped = f(clipped + (Math.abs(d) > c ? 1 : 0));
    }
    const approxKl = f(kl / rows);
    const clipFrac = f(clipped / rows);

    // policy loss: mean(max(-adv * ratio, -adv * clip(ratio, 1 - c, 1 + c)))
    const pg1 = new Float32Array(rows);
    const pg2 = new Float32Array(rows);
    let pgSum = 0;
    for (let r = 0; r < rows; r++) {
      const na = -mb.adv[r]!;
      pg1[r] = f(na * ratio[r]!);
      pg2[r] = f(na * Math.min(Math.max(ratio[r]!, lo), hi));
      pgSum = f(pgSum + (pg1[r]! >= pg2[r]! || Number.isNaN(pg2[r]!) ? pg1[r]! : pg2[r]!));
    }
    const pg = f(pgSum / rows);

    // value loss: 0.5 H mean(max((v - ret)^2, (oldV + clip(v - oldV, -c, c) - ret)^2)), or without the clipped term
    const m = rows * H;
    const l1 = new Float32Array(m);
    const l2 = new Float32Array(m);
    const dv = new Float32Array(m);
    let vSum = 0;
    for (let i = 0; i < m; i++) {
      l1[i] = f(newV[i]! - mb.ret[i]!);
      const s1 = f(l1[i]! * l1[i]!);
      if (hp.clipVloss) {
        dv[i] = f(newV[i]! - mb.oldV[i]!);
        l2[i] = f(f(mb.oldV[i]! + Math.min(Math.max(dv[i]!, -c), c)) - mb.ret[i]!);
        const s2 = f(l2[i]! * l2[i]!);
        vSum = f(vSum + (s1 >= s2 || Number.isNaN(s2) ? s1 : s2));
      } else {
        vSum = f(vSum + s1);
      }
    }
    const half = f(0.5 * H);
    const vLoss = f(f(vSum / m) * half);
    const entC = f(hp.entCoef);
    const vfC = f(hp.vfCoef);
    const loss = f(f(pg - f(entropy * entC)) + f(vLoss * vfC));

    // ---- backward, seeded with d loss = 1 ----
    // value head: d vLoss = vf; d mean = vf * 0.5 H; each element gets d mean / (rows H)
    const dmean = f(f(1 * vfC) * half);
    const de = f(f(dmean * 1) / m);
    const dNewV = new Float32Array(m);
    for (let i = 0; i < m; i++) {
      if (hp.clipVloss) {
        const s1 = f(l1[i]! * l1[i]!);
        const s2 = f(l2[i]! * l2[i]!);
        const d1 = f(de * (s1 >= s2 ? 1 : 0));
        const d2 = f(de * (s1 < s2 ? 1 : 0));
        const g1 = f(d1 * f(l1[i]! * 2));
        const g2 = f(d2 * f(l2[i]! * 2));
        // clip's gradient passes where -c <= v - oldV <= c
        const gClip = dv[i]! >= -c && dv[i]! <= c ? g2 : 0;
        dNewV[i] = f(g1 + gClip);
      } else {
        dNewV[i] = f(de * f(l1[i]! * 2));
      }
    }
    const dFc = this.encoder.trainable ? new Float32Array(rows * this.encoder.featureDim) : undefined;
    this.critic.backward(x, rows, dNewV, grads, this.offsets.critic, dFc);

    // policy: d pg = 1 -> each row 1 / rows through max, the products with -adv, clip and exp
    const dRow = f(1 / rows);
    const dLogp = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const na = -mb.adv[r]!;
      const d1 = f(dRow * (pg1[r]! >= pg2[r]! ? 1 : 0));
      const d2 = f(dRow * (pg1[r]! < pg2[r]! ? 1 : 0));
      const dClip = f(d2 * na);
      const dRatio = f(f(d1 * na) + (ratio[r]! >= lo && ratio[r]! <= hi ? dClip : 0));
      dLogp[r] = f(dRatio * ratio[r]!);
    }
    // entropy: d entropy = -entCoef; per row -(d / rows) through neg and the row sum
    const dEntRow = -f(f(f(-1 * entC) * 1) / rows);
    const dLogits = new Float32Array(n);
    for (let r = 0; r < rows; r++) {
      let sumD = 0;
      const dv3 = new Float32Array(A);
      for (let j = 0; j < A; j++) {
        const i = r * A + j;
        // value is used by mul(value, onehot), exp(value) and mul(exp(value), value): gradients summed in reverse
        const dq = dEntRow;
        const dp = f(dq * value[i]!);
        const gMul2 = f(dq * p[i]!);
        const gExp = f(dp * p[i]!);
        const gMul1 = f(dLogp[r]! * (mb.actions[r] === j ? 1 : 0));
        dv3[j] = f(f(gMul2 + gExp) + gMul1);
        sumD = f(sumD + dv3[j]!);
      }
      for (let j = 0; j < A; j++) {
        const i = r * A + j;
        // logSoftmax's gradient: dy - sum(dy) * softmax; the mask's where passes it where allowed
        const g = f(dv3[j]! - f(sumD * p[i]!));
        dLogits[i] = mb.mask ? f(g * (mb.mask[i] ? 1 : 0)) : g;
      }
    }
    if (dFc) {
      // the features feed the actor and the critic: their gradients add up
      const dF = new Float32Array(dFc.length);
      this.actor.backward(x, rows, dLogits, grads, this.offsets.actor, dF);
      for (let i = 0; i < dF.length; i++) dF[i] = f(dFc[i]! + dF[i]!);
      this.encoder.backward(rows, dF, grads, this.offsetOf);
    } else this.actor.backward(x, rows, dLogits, grads, this.offsets.actor);
    return { loss, aux: Float32Array.of(pg, vLoss, entropy, approxKl, clipFrac) };
  }
}
