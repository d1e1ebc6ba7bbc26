import type { Command } from 'commander';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

import { initBackend } from '../tensor/backend.js';
import { cliRegistry } from './registry.js';
import { UsageError } from './usage.js';
import { type Env, RxgymError } from '../core/env.js';
import { RewardConfigError } from '../core/reward.js';
import { capabilitiesOf } from '../core/capabilities.js';
import { vlmPolicy } from './vlm-policy.js';
import { progressOf } from '../../rewards/vlm/captions.js';
import { playEpisodes } from '../../rewards/vlm/play.js';
import { openEncoder } from '../../rewards/vlm/encoders.js';
import { GoalBaselineReward } from '../../rewards/vlm/goal-baseline.js';
import { pearson, rocAuc } from '../../rewards/vlm/quality.js';
import { builtinWeightsDir } from '../../rewards/vlm/builtin/model.js';
import { pretrainBuiltin } from '../../rewards/vlm/builtin/pretrain.js';
import type { CaptionFamily } from '../../rewards/vlm/captions.js';
import type { ImageTextEncoder } from '../../rewards/vlm/encoder.js';
import { FrameJudge } from '../../rewards/vlm/http/judge.js';
import type { FrameBatch } from '../stream/batch.js';

interface FrameFlags {
  env: string;
  encoder: string;
  policy: string;
  episodes: string;
  seed: string;
  camera?: string;
  width?: string;
  height?: string;
  maxSteps?: string;
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got "${v}"`);
  return n;
}

/** An --out directory checked before any work: a path naming a file is a usage error, not a failure at the end. */
function outDir(path: string): string {
  if (existsSync(path) && !statSync(path).isDirectory()) {
    throw new UsageError(`--out: "${path}" is a file; give a directory (it is created when missing)`);
  }
  return path;
}

/** The encoder --encoder names; a spec it does not know, or a model directory that is missing, is wrong usage. */
function encoderFlag(spec: string): ImageTextEncoder {
  try {
    return openEncoder(spec);
  } catch (e) {
    if (!(e instanceof RxgymError)) throw e;
    throw new UsageError(`--encoder: ${e instanceof RewardConfigError ? e.detail : e.message}`);
  }
}

/** --env must render frames, and --camera name one of its cameras (checked on `probe`, which is closed). */
function checkCamera(id: string, camera: string | undefined, probe: Env<unknown, unknown>): void {
  const cams = capabilitiesOf(probe).frames?.cameras;
  probe.close();
  if (!cams) {
    throw new UsageError(
      `--env: ${id} cannot render frames (it declares no \`frames\` capability); use an env that renders: ` +
        'MuJoCo, Dungeon-*, Explore-Arena-v0',
    );
  }
  if (camera !== undefined && !cams.includes(camera)) {
    throw new UsageError(
      `--camera: ${id} has no camera "${camera}"; use one of ${cams.map((c) => `"${c}"`).join(', ')}`,
    );
  }
}

/** Play the episodes a command asks for, with frames of the encoder's size unless --width/--height say otherwise. */
async function framesFor(
  o: FrameFlags,
): Promise<{ encoder: ImageTextEncoder; played: ReturnType<typeof playEpisodes>; policy: string }> {
  const registry = cliRegistry();
  try {
    registry.envs.spec(o.env);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  checkCamera(o.env, o.camera, registry.envs.make(o.env));
  await initBackend();
  const policy = await vlmPolicy(o.policy, o.env);
  const encoder = o.encoder === 'http' ? judgeEncoder() : encoderFlag(o.encoder);
  const width = int('width', o.width, 8) ?? encoder.frameSize.width,
    height = int('height', o.height, 8) ?? encoder.frameSize.height;
  try {
    const played = playEpisodes({
      envs: registry.envs,
      envId: o.env,
      frames: { width, height, ...(o.camera ? { camera: o.camera } : {}) },
      episodes: int('episodes', o.episodes, 1)!,
      seed: int('seed', o.seed, 0)!,
      policy: policy.kind === 'run' ? 'random' : policy.kind,
      ...(policy.kind === 'run' ? { makePolicy: policy.make, kwargs: policy.kwargs } : {}),
      maxSteps: int('max-steps', o.maxSteps, 1),
    });
    return { encoder, played, policy: policy.kind === 'run' ? `${o.policy} (${policy.agent})` : policy.kind };
  } catch (e) {
    encoder.dispose();
    throw e;
  }
}

function frameOptions(c: Command): Command {
  return c
    .requiredOption('--env <id>', 'env id, e.g. Manip-Reach-v0')
    .option('--encoder <spec>', 'builtin, onnx:<dir>, http (a vision chat judge) or http:embeddings', 'builtin')
    .option(
      '--policy <p>',
      'random, expert (scripted, where the env has one), mixed (16-step blocks of each) or a run directory (its ' +
        'latest checkpoint)',
      'random',
    )
    .option('--episodes <n>', 'episodes to play', '3')
    .option('--max-steps <n>', 'cap on steps per episode (default: the env limit)')
    .option('--seed <s>', 'seed of the first episode', '0')
    .option('--camera <name>', "the env's camera / view (default: its first)")
    .option('--width <px>', "frame width (default: the encoder's)")
    .option('--height <px>', "frame height (default: the encoder's)");
}

/** `rxgym vlm score | frames | pretrain`. */
export function registerVlmCommand(program: Command): void {
  const vlm = program
    .command('vlm')
    .description('VLM zero-shot rewards: score frames against a sentence, dump frames, rebuild the built-in encoder');

  frameOptions(
    vlm
      .command('score')
      .description(
        "play episodes, score every frame against --goal; correlation and ROC-AUC against the env's success",
      ),
  )
    .requiredOption('--goal <text>', 'what the agent should achieve, e.g. "the gripper is at the goal"')
    .option('--baseline <text>', 'a neutral description of the scene (default: per env family)')
    .option('--alpha <a>', 'goal-baseline regularisation in [0, 1]', '0.5')
    .option('--json', 'one JSON line per frame, then a summary line')
    .action(async (o: FrameFlags & { goal: string; baseline?: string; alpha: string; json?: boolean }) => {
      if (o.goal.trim() === '') throw new UsageError('--goal is empty; say what the agent should achieve');
      const alpha = Number(o.alpha);
      if (!(alpha >= 0 && alpha <= 1)) throw new UsageError(`--alpha must be a number in [0, 1], got "${o.alpha}"`);
      const { neutralBaseline } = await import('../../rewards/vlm/options.js');
      const { encoder, played, policy } = await framesFor(o);
      try {
        const t0 = Date.now();
        let score: (i: number) => number;
        if (o.encoder === 'http') {
          const judged = await judgeFrames(played.frames, o.goal);
          score = (i) => judged[i]!;
        } else {
          const rows = Int32Array.from({ length: played.frames.count }, (_, i) => i);
          const emb = await encoder.embedImages(played.frames, rows);
          const g = await encoder.embedTexts([o.goal]);
          const b = await encoder.embedTexts([o.baseline ?? neutralBaseline(o.env)]);
          const reward = new GoalBaselineReward(g, b, encoder.dim, alpha);
          score = (i) => reward.score(emb, i);
        }
        const seconds = (Date.now() - t0) / 1000;
        const rewards: number[] = [],
          success: number[] = [],
          progR: number[] = [],
          prog: number[] = [];
        const lines: string[] = [];
        played.steps.forEach((s, i) => {
          const r = score(i);
          const p = progressOf(o.env, s.state);
          // frames the judge could not score stay out of the statistics
          if (Number.isFinite(r)) {
            rewards.push(r);
            success.push(s.success ? 1 : 0);
            if (p !== undefined) {
              progR.push(r);
              prog.push(p);
            }
          }
          const line = {
            episode: s.episode,
            step: s.step,
            reward: Number(r.toFixed(5)),
            success: s.success ?? null,
            ...(p !== undefined ? { progress: Number(p.toFixed(4)) } : {}),
          };
          lines.push(
            o.json
              ? JSON.stringify(line)
              : `${String(s.episode).padStart(4)} ${String(s.step).padStart(5)}  ${r.toFixed(4)}  ` +
                  `${s.success ?? '-'}${p !== undefined ? `  ${p.toFixed(3)}` : ''}`,
          );
        });
        const summary = {
          summary: true,
          env: o.env,
          encoder: encoder.name,
          goal: o.goal,
          policy,
          alpha,
          frames: rewards.length,
          successFrames: success.reduce((a, x) => a + x, 0),
          corrSuccess: round(pearson(rewards, success)),
          rocAuc: round(rocAuc(rewards, success)),
          corrProgress: round(pearson(progR, prog)),
          framesPerSecond: Math.round(rewards.length / Math.max(seconds, 1e-3)),
        };
        if (o.json) process.stdout.write(`${lines.join('\n')}\n${JSON.stringify(summary)}\n`);
        else {
          process.stdout.write(`episode  step  reward  success  progress\n${lines.join('\n')}\n`);
          process.stdout.write(
            `${rewards.length} frames (${summary.successFrames} success): corr(reward, success) ` +
              `${summary.corrSuccess}, ROC-AUC ${summary.rocAuc}, corr(reward, progress) ${summary.corrProgress}; ` +
              `${summary.framesPerSecond} frames/s encoded by ${encoder.name}\n`,
          );
        }
      } finally {
        encoder.dispose();
      }
    });

  frameOptions(vlm.command('frames').description('write the frames the encoder sees as PNG files'))
    .requiredOption('--out <dir>', 'directory for the PNGs')
    .action(async (o: FrameFlags & { out: string }) => {
      outDir(o.out);
      const { encoder, played } = await framesFor(o);
      encoder.dispose();
      mkdirSync(o.out, { recursive: true });
      const { width, height, data } = played.frames;
      played.steps.forEach((s, i) => {
        const png = new PNG({ width, height });
        for (let p = 0; p < width * height; p++) {
          png.data[4 * p] = data[(i * width * height + p) * 3]!;
          png.data[4 * p + 1] = data[(i * width * height + p) * 3 + 1]!;
          png.data[4 * p + 2] = data[(i * width * height + p) * 3 + 2]!;
          png.data[4 * p + 3] = 255;
        }
        writeFileSync(join(o.out, `ep${s.episode}-step${String(s.step).padStart(4, '0')}.png`), PNG.sync.write(png));
      });
      process.stdout.write(`${played.steps.length} frames (${width}x${height}) written to ${o.out}\n`);
    });

  vlm
    .command('pretrain')
    .description('rebuild the built-in image-text encoder from rendered rxgym frames and captions from env states')
    .option('--out <dir>', 'where to write builtin.json/.bin (default: the shipped weights)')
    .option('--epochs <n>', 'training epochs', '25')
    .option('--scale <f>', 'multiply the episodes of the training mix (e.g. 0.1 for a quick check)', '1')
    .option('--seed <s>', 'seed', '0')
    .option('--families <list>', 'caption families, comma-separated (default: the shipped mix, without mountaincar)')
    .action(async (o: { out?: string; epochs: string; scale: string; seed: string; families?: string }) => {
      const scale = Number(o.scale);
      if (!(scale > 0)) throw new UsageError(`--scale must be a positive number, got "${o.scale}"`);
      const out = outDir(o.out ?? builtinWeightsDir());
      await initBackend();
      const { model, report } = pretrainBuiltin({
        envs: cliRegistry().envs,
        epochs: int('epochs', o.epochs, 1),
        scale,
        seed: int('seed', o.seed, 0),
        ...(o.families ? { families: o.families.split(',').map((f) => f.trim()) as CaptionFamily[] } : {}),
        log: (l) => process.stderr.write(`${l}\n`),
      });
      model.save(out, { kind: 'rxgym-vlm-builtin', report });
      model.dispose();
      process.stdout.write(`${JSON.stringify(report, null, 1)}\nweights written to ${out}\n`);
    });
}

/** A frame-size placeholder for `--encoder http`, whose frames go to the judge instead of an embedding model. */
function judgeEncoder(): ImageTextEncoder {
  const none = async (): Promise<Float32Array> => new Float32Array(0);
  return {
    name: 'http',
    dim: 0,
    frameSize: { width: 64, height: 64 },
    embedTexts: none,
    embedImages: none,
    dispose: () => {},
  };
}

/**
 * Every frame judged by the vision chat model at OPENAI_BASE_URL (RXGYM_LLM_MODEL): scores in [0, 1], NaN where the
 * judge failed or answered off-format (counted on stderr); waits for all answers, as a command may.
 */
async function judgeFrames(frames: FrameBatch, goal: string): Promise<Float64Array> {
  const out = new Float64Array(frames.count).fill(NaN);
  const judge = new FrameJudge({}, goal, (score, tag) => {
    out[tag as number] = score;
  });
  try {
    for (let i = 0; i < frames.count; i++) judge.ask(frames, i, i);
    for (;;) {
      judge.poll();
      const c = judge.counters;
      const answered =
        c.labelled + c.cacheHits + c.unparsed + c.dropped + Object.values(c.failures).reduce((a, x) => a + x, 0);
      if (answered >= frames.count) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const c = judge.counters;
    process.stderr.write(
      `vlm judge: ${c.labelled} frames judged, ${c.cacheHits} from the cache, ${c.unparsed} unparsed answers, ` +
        `failures ${JSON.stringify(c.failures)}\n`,
    );
  } finally {
    judge.close();
  }
  return out;
}

function round(x: number): number | null {
  return Number.isFinite(x) ? Number(x.toFixed(4)) : null;
}
