import { appendFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { PhaseTagged, RunEvent } from '../stream/events.js';
import { fileVersionEvent, scalarsEvent, tfRecord, type Scalar } from './tfevents.js';

/** A RunEvent subscriber that writes a run's scalars as a TensorBoard event file in the run directory. */
export interface TensorboardLogger {
  /** Take one event (events without scalars are ignored). */
  write(e: RunEvent): void;
  /** Write buffered records to disk. */
  flush(): void;
  /** Flush and stop; later events are ignored. Safe to call twice. */
  close(): void;
  /** The event file, once the first scalar made it exist. */
  readonly path: string | undefined;
}

/** Options of `tensorboardLogger`; the defaults name the file as TensorBoard's own writers do. */
export interface TensorboardOptions {
  hostname?: string;
  pid?: number;
  now?: () => number;
  flushMs?: number;
}

let fileCounter = 0;

// CleanRL's tags for what both report, so rxgym runs overlay CleanRL runs in one TensorBoard.
const TRAIN_TAGS: Record<string, string> = {
  lr: 'charts/learning_rate',
  valueLoss: 'losses/value_loss',
  policyLoss: 'losses/policy_loss',
  entropy: 'losses/entropy',
  approxKl: 'losses/approx_kl',
  clipFrac: 'losses/clipfrac',
  explainedVariance: 'losses/explained_variance',
};

const snake = (k: string): string =>
  k
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_./-]/g, '_')
    .toLowerCase();
const finite = (out: Scalar[], tag: string, v: unknown): void => {
  if (typeof v === 'number' && Number.isFinite(v)) out.push({ tag, value: v });
};

/** The scalars one event contributes (TensorBoard tags), and the step they belong to. */
function scalarsOf(e: RunEvent, lastStep: number): { step: number; scalars: Scalar[] } | undefined {
  const out: Scalar[] = [];
  switch (e.type) {
    case 'episode':
      finite(out, 'charts/episodic_return', e.return);
      finite(out, 'charts/episodic_length', e.length);
      if (e.success !== undefined) finite(out, 'charts/success', Number(e.success));
      for (const [name, v] of Object.entries(e.components ?? {})) finite(out, `episode_rewards/${name}`, v);
      return { step: e.step, scalars: out };
    case 'batch':
      finite(out, 'charts/SPS', e.sps);
      return { step: e.step, scalars: out };
    case 'train':
      for (const [k, v] of Object.entries(e.stats)) finite(out, TRAIN_TAGS[k] ?? `losses/${snake(k)}`, v);
      return { step: e.step, scalars: out };
    case 'eval':
      finite(out, 'eval/mean_return', e.meanReturn);
      finite(out, 'eval/std_return', e.stdReturn);
      finite(out, 'eval/success_rate', e.successRate);
      return { step: e.step, scalars: out };
    case 'rewards':
      for (const [name, c] of Object.entries(e.components)) {
        finite(out, `rewards/${name}/raw_mean`, c.rawMean);
        finite(out, `rewards/${name}/scaled_mean`, c.scaledMean);
        finite(out, `rewards/${name}/raw_std`, c.rawStd);
      }
      return { step: e.step, scalars: out };
    case 'explore':
      for (const [k, v] of Object.entries(e.metrics)) finite(out, `explore/${snake(k)}`, v);
      return { step: e.step, scalars: out };
    case 'annotation':
      // Annotation events carry no step: they belong to the training step reached when they arrived.
      for (const [k, v] of Object.entries(e)) if (k !== 'time') finite(out, `annotator/${e.source}/${snake(k)}`, v);
      return { step: lastStep, scalars: out };
    default:
      return undefined;
  }
}

/**
 * Write a run's scalars (returns, success, losses, reward components, SPS, exploration, annotator counters) to
 * `<runDir>/events.out.tfevents.<time>.<host>.<pid>.<n>`, readable by `tensorboard --logdir` and `wandb sync`.
 * Events of a pre-training phase get tags under `pretrain/`, since their step counter restarts at fine-tuning.
 */
export function tensorboardLogger(runDir: string, opts: TensorboardOptions = {}): TensorboardLogger {
  const now = opts.now ?? Date.now;
  const flushMs = opts.flushMs ?? 5000;
  let path: string | undefined;
  let pending: Uint8Array[] = [];
  let lastFlush = now();
  let lastStep = 0;
  let closed = false;

  const flush = (): void => {
    if (pending.length === 0 || path === undefined) return;
    appendFileSync(path, Buffer.concat(pending));
    pending = [];
    lastFlush = now();
  };

  const open = (): void => {
    const t = now();
    mkdirSync(runDir, { recursive: true });
    const secs = String(Math.floor(t / 1000)).padStart(10, '0');
    path = join(
      runDir,
      `events.out.tfevents.${secs}.${opts.hostname ?? hostname()}.${opts.pid ?? process.pid}.${fileCounter++}`,
    );
    pending.push(tfRecord(fileVersionEvent(t / 1000)));
  };

  return {
    get path() {
      return path;
    },
    write(e: RunEvent): void {
      if (closed) return;
      if ('step' in e && typeof e.step === 'number') lastStep = e.step;
      const s = scalarsOf(e, lastStep);
      if (s && s.scalars.length > 0) {
        const pre = (e as PhaseTagged).phase === 'pretrain';
        const scalars = pre ? s.scalars.map((x) => ({ tag: `pretrain/${x.tag}`, value: x.value })) : s.scalars;
        if (path === undefined) open();
        pending.push(tfRecord(scalarsEvent(e.time / 1000, s.step, scalars)));
      }
      const milestone = e.type === 'eval' || e.type === 'checkpoint' || e.type === 'end';
      if (milestone || pending.length >= 64 || now() - lastFlush >= flushMs) flush();
    },
    flush,
    close(): void {
      if (closed) return;
      flush();
      closed = true;
    },
  };
}
