import { readFileSync } from 'node:fs';
import { Subject, type Observable } from 'rxjs';
import { Discrete } from '../../src/core/spaces.js';
import { RxgymError } from '../../src/core/env.js';
import type { PartStats, TransitionBatch } from '../../src/stream/batch.js';
import {
  RewardConfigError,
  type RewardComponentConfig,
  type RewardContext,
  type RewardSourceInfo,
} from '../registry.js';
import type { RewardEvent, RewardSource } from '../../src/core/reward.js';
import { RewardCodeError } from './errors.js';
import { defineParams, type ParamsOf } from '../../src/core/params.js';
import { sourceOptions } from '../options.js';
import { RewardSandbox, type RewardBatchResult } from './sandbox.js';
import { ComponentStats, type ComponentStat } from './stats.js';

const positive = (doc: string) => ({ kind: 'number', positive: true, optional: true, doc }) as const;

/** Options of the `code` source in a scenario's `rewards:` list (exactly one of `file` and `code`). */
const CODE_PARAMS = defineParams({
  file: { kind: 'string', optional: true, doc: 'the reward module (.ts or .js), relative to the scenario file' },
  code: { kind: 'string', optional: true, doc: "the module's source inline, instead of `file`" },
  onError: {
    kind: 'enum',
    values: ['stop', 'zero', 'skip'],
    default: 'stop',
    doc: 'when the code fails on a transition: stop the run, score it 0, or score it 0 outside the statistics',
  },
  timeLimitMs: positive('time limit of one batched call in ms (default 5000)'),
  memoryMb: positive("the isolate's heap limit in MB (default 64, at least 8)"),
  maxAbs: positive('largest accepted |reward| (default 1e6)'),
});

/** Options of the `code` source, as given. */
export type CodeSourceOptions = Partial<ParamsOf<typeof CODE_PARAMS>>;

/** When reward code fails on a transition: stop the run, score it 0, or score it 0 outside the statistics. */
export type OnErrorPolicy = ParamsOf<typeof CODE_PARAMS>['onError'];

/** Option names of the `code` source, for the stack's validation. */
export const CODE_SOURCE_OPTIONS = Object.keys(CODE_PARAMS);

/** Registry info of the `code` source. */
export const CODE_SOURCE_INFO: RewardSourceInfo = {
  options: CODE_SOURCE_OPTIONS,
  description: 'a reward module (TypeScript/JavaScript) run in an isolated-vm sandbox on the env state()',
};

/** An LLM- or hand-written reward module as a reward source; reads `prevStates`/`nextStates`. */
export class CodeRewardSource implements RewardSource {
  readonly kind = 'code' as const;
  readonly needsStates = true;
  readonly events$: Observable<RewardEvent>;
  private readonly subject = new Subject<RewardEvent>();
  private readonly stats = new ComponentStats();
  private errors = 0;
  private transitions = 0;

  constructor(
    readonly name: string,
    private readonly sandbox: RewardSandbox,
    private readonly onError: OnErrorPolicy = 'stop',
    private readonly scalarActions?: boolean,
  ) {
    this.events$ = this.subject.asObservable();
  }

  private lastParts: Record<string, PartStats> | undefined;

  /** Statistics of the components the module returned on the last batch. */
  parts(): Record<string, PartStats> | undefined {
    return this.lastParts;
  }

  /** Run the module on the batch; with `onError: stop` a failure throws the explained `RewardCodeError`. */
  compute(batch: TransitionBatch): Float32Array {
    if (!batch.prevStates || !batch.nextStates) {
      throw new RxgymError(
        `reward source "${this.name}" needs env states, but the batch has none: the env must implement ` +
          `state()/describeState() ` +
          '(dungeon and MuJoCo envs do) and the rollout must collect them for sources with needsStates',
      );
    }
    const res = this.sandbox.run({
      ...batch,
      prevStates: batch.prevStates,
      nextStates: batch.nextStates,
      scalarActions: this.scalarActions,
    });
    this.transitions += res.total.length;
    if (res.errorCount > 0) this.handleErrors(res);
    const valid = this.onError === 'skip' && res.errorCount > 0 ? res.status.map((s) => (s === 0 ? 1 : 0)) : undefined;
    const data: Record<string, ComponentStat> = { total: this.stats.add('total', res.total, valid) };
    // `parts`: this batch's statistics of each returned component (not `total`), which the stack puts in the
    // annotated batch and the run logs and plots as `<source name>/<component>`
    const parts: Record<string, ComponentStat> = {};
    this.lastParts = {};
    for (const [k, v] of Object.entries(res.components)) {
      data[k] = this.stats.add(k, v, valid);
      if (data[k].count > 0) {
        parts[k] = data[k];
        const st = data[k];
        this.lastParts[k] = {
          rawMean: st.mean,
          scaledMean: st.mean,
          rawStd: st.std ?? 0,
          min: st.min ?? st.mean,
          max: st.max ?? st.mean,
        };
      }
    }
    this.subject.next({
      source: this.name,
      kind: 'info',
      data: { components: data, parts, errors: res.errorCount, logs: res.logs },
      time: Date.now(),
    });
    return Float32Array.from(res.total);
  }

  private handleErrors(res: RewardBatchResult): void {
    this.errors += res.errorCount;
    const err =
      res.error ??
      new RewardCodeError('exception', `${this.sandbox.filename}: reward code failed on ${res.errorCount} transitions`);
    if (this.onError === 'stop') {
      throw new RewardCodeError(
        err.kind,
        `${err.message}\n(onError: stop — set onError: zero or skip ` +
          `in the reward config to score failures 0 and go on)`,
        err,
      );
    }
    this.subject.next({
      source: this.name,
      kind: 'error',
      data: { kind: err.kind, message: err.message, count: res.errorCount, policy: this.onError, zeroed: 'codeError' },
      time: Date.now(),
    });
  }

  /** Running statistics of `total` and every component since the start. */
  componentStats(): Record<string, ComponentStat> {
    return this.stats.snapshot();
  }

  /** Failed transitions and transitions seen since the start. */
  errorRate(): { errors: number; transitions: number } {
    return { errors: this.errors, transitions: this.transitions };
  }

  dispose(): void {
    this.sandbox.dispose();
    this.subject.complete();
  }
}

/**
 * The `code` source factory: loads `file` (or inline `code`), compiles it in a sandbox, fails at build time when it
 * cannot.
 */
export function createCodeSource(cfg: RewardComponentConfig, ctx: RewardContext): CodeRewardSource {
  const { file, code, onError, timeLimitMs, memoryMb, maxAbs } = sourceOptions(cfg, CODE_PARAMS);
  if ((file === undefined) === (code === undefined)) {
    throw new RewardConfigError('file', 'give exactly one of `file: path/to/reward.ts` or `code: "<module source>"`');
  }
  let source: string;
  if (file !== undefined) {
    try {
      source = readFileSync(file, 'utf8');
    } catch (e) {
      throw new RewardConfigError(
        'file',
        `cannot read reward module "${file}" (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); a ` +
          `relative path is read from the scenario file's directory (from the working directory for a scenario ` +
          `given as an object)`,
      );
    }
  } else {
    source = code!;
  }
  const filename = file ?? 'inline-reward.ts';
  const sandbox = RewardSandbox.compile(source, { filename, timeLimitMs, memoryMb, maxAbs });
  const name = typeof cfg.name === 'string' ? cfg.name : 'code';
  return new CodeRewardSource(name, sandbox, onError, ctx.actionSpace instanceof Discrete);
}
