import * as tf from '@tensorflow/tfjs';
import type { EnvRegistry } from '../../../src/core/registry.js';
import { RxgymError } from '../../../src/core/env.js';
import { Rng } from '../../../src/core/rng.js';
import type { Space } from '../../../src/core/spaces.js';
import { Adam } from '../../../src/tensor/adam.js';
import { caption, captionFamily, relations, type CaptionFamily } from '../captions.js';
import { expertFor } from '../experts.js';
import { playEpisodes, type PlayPolicy } from '../play.js';
import { IMAGE_DIM, imageInput, TEXT_DIM, textInput } from './features.js';
import { BUILTIN_FRAME, BuiltinModel } from './model.js';

/** One source of training frames: an env, how many episodes of how many steps, and how it is played. */
interface DataSpec {
  envId: string;
  episodes: number;
  maxSteps: number;
  play: 'random' | 'expert' | 'drift';
  kwargs?: Record<string, unknown>;
}

/** The training mix: scripted and random play over the families that have captions. */
const DATA: DataSpec[] = [
  { envId: 'Dungeon-Room-Random-5x5-v0', episodes: 60, maxSteps: 30, play: 'expert' },
  { envId: 'Dungeon-Room-Random-5x5-v0', episodes: 40, maxSteps: 30, play: 'random' },
  { envId: 'Dungeon-Room-Monster-5x5-v0', episodes: 40, maxSteps: 30, play: 'random' },
  { envId: 'Dungeon-KeyRoom-S5-v0', episodes: 40, maxSteps: 40, play: 'random' },
  { envId: 'Dungeon-Room-15x15-v0', episodes: 15, maxSteps: 80, play: 'expert' },
  { envId: 'Manip-Reach-v0', episodes: 24, maxSteps: 60, play: 'expert' },
  { envId: 'Manip-Reach-v0', episodes: 16, maxSteps: 60, play: 'random' },
  { envId: 'Manip-DrawerClose-v0', episodes: 12, maxSteps: 60, play: 'random' },
  { envId: 'Manip-DrawerOpen-v0', episodes: 8, maxSteps: 60, play: 'random' },
  { envId: 'Humanoid-v0', episodes: 40, maxSteps: 40, play: 'random' },
  { envId: 'Humanoid-ArmsUp-v0', episodes: 20, maxSteps: 40, play: 'random' },
  { envId: 'Humanoid-Kneel-v0', episodes: 10, maxSteps: 120, play: 'random' },
  { envId: 'InvertedPendulum-v0', episodes: 60, maxSteps: 40, play: 'random' },
  { envId: 'Explore-Arena-v0', episodes: 24, maxSteps: 120, play: 'drift' },
];

/**
 * Families added after the shipped model, opt-in (`families`): listed after DATA so that the shipped mix keeps its
 * seeds. MountainCar's scripted play pumps energy with an unreachable goal velocity, so that an episode does not end
 * at the flag and the car stays there (the expert keeps pushing right), giving frames of every stretch of the track.
 */
const EXTRA: DataSpec[] = [
  { envId: 'MountainCar-v0', episodes: 16, maxSteps: 200, play: 'expert', kwargs: { goalVelocity: 1 } },
  { envId: 'MountainCar-v0', episodes: 16, maxSteps: 200, play: 'random' },
];

/** The families of the shipped model's training mix (the default of `families`). */
export const SHIPPED_FAMILIES: readonly CaptionFamily[] = ['dungeon', 'manip', 'humanoid', 'pendulum', 'arena'];

/** Every family `families` can name. */
export const PRETRAIN_FAMILIES: readonly CaptionFamily[] = [...SHIPPED_FAMILIES, 'mountaincar'];

/**
 * Captions held out of training, to test zero-shot generalisation to new compositions of seen words and relations:
 * every part of each appears in training, never this combination.
 */
export const HELD_OUT = [
  'a dot in an arena: the dot is in the top right',
  'a robot gripper above a table: the gripper is high above the table, the gripper is near the goal',
  'a dungeon: the player is near the stairs, a monster is next to the player',
  'a humanoid robot: the humanoid robot is crouching, one arm is raised',
];

/** Options of `pretrainBuiltin`. */
export interface PretrainOptions {
  envs: EnvRegistry;
  seed?: number;
  epochs?: number;
  /** Multiplies every DataSpec's episodes (e.g. 0.1 for a smoke test). */
  scale?: number;
  /** The caption families to train on (default SHIPPED_FAMILIES, the shipped model's mix). */
  families?: readonly CaptionFamily[];
  log?: (line: string) => void;
}

/** What a pretraining run measured. */
export interface PretrainReport {
  frames: number;
  captions: number;
  seconds: { data: number; train: number };
  finalLoss: number;
  /** Caption retrieval among the captions of the same family: top-1 accuracy and the chance level. */
  seen: { frames: number; top1: number; chance: number };
  heldOut: Array<{ caption: string; frames: number; top1: number; chance: number }>;
}

interface Sample {
  family: CaptionFamily;
  caption: string;
}

function drift(): PlayPolicy {
  const a = new Float32Array(2);
  let t = 0;
  return (_o, _s, rng) => {
    // a direction held for 40 steps, so the dot travels across the arena instead of jittering at the centre
    if (t++ % 40 === 0) {
      a[0] = rng.uniform(-1, 1);
      a[1] = rng.uniform(-1, 1);
    }
    return a;
  };
}

function policyFor(spec: DataSpec, space: Space<unknown>): PlayPolicy | 'random' {
  if (spec.play === 'random') return 'random';
  if (spec.play === 'drift') return drift();
  const expert = expertFor(spec.envId);
  // 30% random actions, so that scripted play still visits states off the straight path
  return (_o, state, rng) => (rng.random() < 0.3 ? space.sample(rng) : expert(state));
}

/** Render the training mix, caption it, train the built-in model, and evaluate caption retrieval. */
export function pretrainBuiltin(o: PretrainOptions): { model: BuiltinModel; report: PretrainReport } {
  const log = o.log ?? (() => {});
  const seed = o.seed ?? 0;
  const t0 = Date.now();
  const images: Float32Array[] = [];
  const samples: Sample[] = [];
  const families = new Set(o.families ?? SHIPPED_FAMILIES);
  for (const f of families) {
    if (!PRETRAIN_FAMILIES.includes(f))
      throw new RxgymError(`unknown caption family "${f}"; use some of ${PRETRAIN_FAMILIES.join(', ')}`);
  }
  // indices over DATA then EXTRA, so that every spec keeps its seed whatever families are chosen
  for (const [i, spec] of [...DATA, ...EXTRA].entries()) {
    const family = captionFamily(spec.envId)!;
    if (!families.has(family)) continue;
    const space = o.envs.make(spec.envId).actionSpace;
    const episodes = Math.max(1, Math.round(spec.episodes * (o.scale ?? 1)));
    const { frames, steps } = playEpisodes({
      envs: o.envs,
      envId: spec.envId,
      frames: BUILTIN_FRAME,
      episodes,
      seed: seed * 1000 + i * 100,
      policy: policyFor(spec, space),
      maxSteps: spec.maxSteps,
      ...(spec.kwargs ? { kwargs: spec.kwargs } : {}),
    });
    const img = new Float32Array(frames.count * IMAGE_DIM);
    for (let k = 0; k < frames.count; k++) imageInput(frames, k, img, k * IMAGE_DIM);
    images.push(img);
    for (const s of steps) samples.push({ family, caption: caption(family, relations(family, s.state)) });
    log(`vlm pretrain: ${spec.envId} (${spec.play}) ${frames.count} frames`);
  }
  const all = new Float32Array(samples.length * IMAGE_DIM);
  let off = 0;
  for (const img of images) {
    all.set(img, off);
    off += img.length;
  }
  const tData = (Date.now() - t0) / 1000;
  const held = new Set(HELD_OUT);
  const rng = new Rng(seed);
  const train: number[] = [],
    test: number[] = [],
    heldIdx: number[] = [];
  samples.forEach((s, k) => (held.has(s.caption) ? heldIdx : rng.random() < 0.1 ? test : train).push(k));
  const captions = [...new Set(samples.map((s) => s.caption))];
  const textOf = new Map<string, Float32Array>();
  for (const c of captions) {
    const v = new Float32Array(TEXT_DIM);
    textInput(c, v, 0);
    textOf.set(c, v);
  }
  const model = new BuiltinModel(seed);
  const adam = new Adam(model.store.list(), { lr: 1e-3 });
  const B = 256;
  const xb = new Float32Array(B * IMAGE_DIM),
    tb = new Float32Array(B * TEXT_DIM),
    yb = new Float32Array(B * B);
  const epochs = o.epochs ?? 25;
  let loss = NaN;
  const t1 = Date.now();
  for (let e = 0; e < epochs; e++) {
    for (let i = train.length - 1; i > 0; i--) {
      const j = rng.int(0, i + 1);
      [train[i], train[j]] = [train[j]!, train[i]!];
    }
    let sum = 0,
      count = 0;
    for (let s = 0; s + B <= train.length; s += B) {
      for (let b = 0; b < B; b++) {
        const k = train[s + b]!;
        xb.set(all.subarray(k * IMAGE_DIM, (k + 1) * IMAGE_DIM), b * IMAGE_DIM);
        tb.set(textOf.get(samples[k]!.caption)!, b * TEXT_DIM);
      }
      for (let a = 0; a < B; a++) {
        let n = 0;
        const ca = samples[train[s + a]!]!.caption;
        for (let b = 0; b < B; b++) n += yb[a * B + b] = samples[train[s + b]!]!.caption === ca ? 1 : 0;
        for (let b = 0; b < B; b++) yb[a * B + b]! /= n;
      }
      const r = adam.step(() =>
        tf.tidy(() =>
          model.loss(tf.tensor2d(xb, [B, IMAGE_DIM]), tf.tensor2d(tb, [B, TEXT_DIM]), tf.tensor2d(yb, [B, B])),
        ),
      );
      sum += r.loss;
      count++;
    }
    loss = sum / Math.max(1, count);
    log(`vlm pretrain: epoch ${e + 1}/${epochs} loss ${loss.toFixed(4)}`);
  }
  const tTrain = (Date.now() - t1) / 1000;
  const report: PretrainReport = {
    frames: samples.length,
    captions: captions.length,
    seconds: { data: tData, train: tTrain },
    finalLoss: loss,
    seen: retrieval(model, all, samples, test, captions),
    heldOut: HELD_OUT.map((c) => {
      const idx = heldIdx.filter((k) => samples[k]!.caption === c);
      return { caption: c, ...retrieval(model, all, samples, idx, captions) };
    }),
  };
  return { model, report };
}

/** Top-1 caption retrieval of frames `idx` among all captions of their family (and the chance level). */
function retrieval(
  model: BuiltinModel,
  all: Float32Array,
  samples: Sample[],
  idx: number[],
  captions: string[],
): { frames: number; top1: number; chance: number } {
  if (idx.length === 0) return { frames: 0, top1: NaN, chance: NaN };
  const emb = model.embedTexts(captions);
  const dim = emb.length / captions.length;
  let hits = 0,
    chance = 0;
  for (const k of idx) {
    const img = tf.tidy(
      () =>
        model
          .imageTensor(tf.tensor2d(all.subarray(k * IMAGE_DIM, (k + 1) * IMAGE_DIM), [1, IMAGE_DIM]))
          .dataSync() as Float32Array,
    );
    const fam = samples[k]!.family;
    let best = -Infinity,
      arg = '',
      n = 0;
    captions.forEach((c, i) => {
      if (!c.startsWith(SCENE_PREFIX[fam])) return;
      n++;
      let s = 0;
      for (let j = 0; j < dim; j++) s += img[j]! * emb[i * dim + j]!;
      if (s > best) {
        best = s;
        arg = c;
      }
    });
    if (arg === samples[k]!.caption) hits++;
    chance += 1 / n;
  }
  return { frames: idx.length, top1: hits / idx.length, chance: chance / idx.length };
}

const SCENE_PREFIX: Record<CaptionFamily, string> = {
  dungeon: 'a dungeon:',
  manip: 'a robot gripper',
  humanoid: 'a humanoid robot:',
  pendulum: 'a cart',
  arena: 'a dot in',
  mountaincar: 'a car in',
};
