import { Subject } from 'rxjs';
import type { FrameRequest } from '../../src/core/capabilities.js';
import { RxgymError } from '../../src/core/env.js';
import {
  RewardConfigError,
  type RewardComponentConfig,
  type RewardContext,
  type RewardEvent,
  type RewardSource,
  type RewardSourceInfo,
} from '../../src/core/reward.js';
import type { TransitionBatch } from '../../src/stream/batch.js';
import type { ImageTextEncoder, SyncEmbedder } from './encoder.js';
import { openEncoder } from './encoders.js';
import { GoalBaselineReward } from './goal-baseline.js';
import { VLM_OPTIONS, vlmSettings, type VlmSettings } from './options.js';
import { scoredRows } from './scored-rows.js';
import { ScoredFrameReporter } from './scored-frame.js';

/** What the stack knows about `source: vlm`. */
export const vlmInfo: RewardSourceInfo = {
  options: VLM_OPTIONS,
  description: "VLM-RM: 1 - |(x - g)M|^2 / 2 between the frame's and the goal sentence's embeddings (zero-shot)",
};

/**
 * `source: vlm`: the VLM-RM reward of the frame after each transition (rows not scored under `every` get 0). Text
 * embeddings of the goal and baseline sentences are computed once; frames are embedded in chunks of `batch`, one
 * encoder call per chunk, into buffers reused between rollouts.
 */
export class VlmSource implements RewardSource {
  readonly kind = 'vlm' as const;
  readonly needsFrames: FrameRequest;
  readonly settings: VlmSettings;
  /** The latest scored frame of each batch, with its reward (a `frame` event), for `watch`. */
  readonly events$ = new Subject<RewardEvent>();
  private readonly scored: ScoredFrameReporter;
  private readonly encoder: ImageTextEncoder;
  private readonly embed: SyncEmbedder;
  private readonly reward: GoalBaselineReward;
  private rows = new Int32Array(0);
  private emb = new Float32Array(0);

  constructor(
    readonly name: string,
    cfg: RewardComponentConfig,
    ctx: RewardContext,
    encoder?: ImageTextEncoder,
  ) {
    this.settings = vlmSettings(cfg, ctx.envId);
    this.scored = new ScoredFrameReporter(name);
    const s = this.settings;
    if (ctx.capabilities && !ctx.capabilities.frames) {
      throw new RewardConfigError(
        'source',
        `${ctx.envId} cannot render frames (it declares no \`frames\` capability); VLM rewards need an env that ` +
          `renders: MuJoCo, Dungeon-*, Explore-Arena-v0, MountainCar-v0`,
      );
    }
    const cams = ctx.capabilities?.frames?.cameras;
    if (s.camera !== undefined && cams && !cams.includes(s.camera)) {
      throw new RewardConfigError(
        'camera',
        `unknown camera "${s.camera}" for ${ctx.envId}; it has ${cams.map((c) => `"${c}"`).join(', ')}`,
      );
    }
    this.encoder = encoder ?? openEncoder(s.encoder);
    try {
      if (!this.encoder.sync) throw new RxgymError(`encoder ${this.encoder.name} cannot score frames synchronously`);
      this.embed = this.encoder.sync;
      const d = this.encoder.dim;
      this.reward = new GoalBaselineReward(
        this.embed.embedTexts(s.goals),
        this.embed.embedTexts(s.baselines),
        d,
        s.alpha,
      );
    } catch (e) {
      this.encoder.dispose();
      throw e instanceof RxgymError && !(e instanceof RewardConfigError) ? new RewardConfigError('goal', e.message) : e;
    }
    this.needsFrames = {
      width: s.width ?? this.encoder.frameSize.width,
      height: s.height ?? this.encoder.frameSize.height,
      ...(s.camera !== undefined ? { camera: s.camera } : {}),
    };
  }

  compute(batch: TransitionBatch): Float32Array {
    const n = batch.numSteps * batch.numEnvs;
    const frames = batch.frames;
    if (!frames)
      throw new RxgymError(
        `reward source "${this.name}" needs frames but the batch has none; build the rollout with frames: ` +
          `stack.needsFrames`,
      );
    if (this.rows.length < n) this.rows = new Int32Array(n);
    const m = scoredRows(batch, this.settings.every, this.rows);
    const out = new Float32Array(n);
    const chunk = this.settings.batch,
      d = this.encoder.dim;
    if (this.emb.length < Math.min(chunk, m) * d) this.emb = new Float32Array(Math.min(chunk, m) * d);
    for (let s = 0; s < m; s += chunk) {
      const rows = this.rows.subarray(s, Math.min(m, s + chunk));
      this.embed.embedImages(frames, rows, this.emb);
      for (let i = 0; i < rows.length; i++) out[rows[i]!] = this.reward.score(this.emb, i);
    }
    this.scored.note(this.rows, m, out);
    return out;
  }

  update(batch: TransitionBatch): void {
    const e = this.scored.event(batch);
    if (e) this.events$.next(e);
  }

  dispose(): void {
    this.encoder.dispose();
    this.events$.complete();
  }
}
