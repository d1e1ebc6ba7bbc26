import ivm from 'isolated-vm';
import { RxgymError } from '../../src/core/env.js';
import { excerptAt, RewardCodeError, type RewardCodeErrorKind } from './errors.js';
import { inferSchema, inferSchemaOf, makeCodec, mergeSchema, packStates, type StateCodec } from './pack.js';
import { MODULE_PREFIX, MODULE_SUFFIX, PRELUDE, TransitionStatus } from './runtime.js';
import { stripTypes, type StrippedModule } from './transpile.js';

/** Limits of a reward sandbox. */
export interface SandboxOptions {
  /** Name used in messages (default `reward.ts`). */
  filename?: string;
  /** Heap limit of the isolate in MB (default 64, at least 8). */
  memoryMb?: number;
  /** Time limit of one batched call in ms (default 5000: a whole batch of transitions, with room for a loaded machine). */
  timeLimitMs?: number;
  /** Largest accepted |reward|; beyond it a result counts as an error (default 1e6). */
  maxAbs?: number;
}

/** The transitions of one batched call (a `TransitionBatch` with states fits). */
export interface RewardBatchInput {
  prevStates: readonly unknown[];
  nextStates: readonly unknown[];
  /** Discrete (Int32Array, actionDim 1): the action is a number; otherwise an array of `actionDim` numbers. */
  actions: Float32Array | Int32Array;
  actionDim: number;
  rewards?: Float32Array;
  terminations?: Uint8Array;
  truncations?: Uint8Array;
  success?: Uint8Array;
  episodeSteps?: Int32Array;
  messages?: readonly string[];
  /** Overrides the action inference (true: each action is one number). */
  scalarActions?: boolean;
}

/** What one batched call returns; per-transition failures are in `status`, explained by `error` (the first). */
export interface RewardBatchResult {
  /** The reward per transition (0 where it failed). */
  total: Float64Array;
  /** `TransitionStatus` per transition. */
  status: Uint8Array;
  /** Components by name (NaN where a transition did not report one). */
  components: Record<string, Float64Array>;
  errorCount: number;
  error?: RewardCodeError;
  /** console output of the reward code during this call (at most 50 lines). */
  logs: string[];
}

interface RawFirst { index: number; kind: string; message: string; name: string; stack: string }
interface RawResult { total: Float64Array; status: Uint8Array; comps: Record<string, Float64Array>; names: string[]; errors: number; first: RawFirst | null; logs: string[] }

const INTERNAL_FILE = 'reward.js';
const NODE_NAMES = /\b(require|process|module|import|fetch|setTimeout|setInterval|setImmediate|Buffer|fs|global|Date|XMLHttpRequest|WebSocket) is not defined/;

function shortJson(value: unknown, max = 300): string {
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

/** Runs one untrusted reward module in its own V8 isolate; every call crosses the boundary once per batch. */
export class RewardSandbox {
  readonly filename: string;
  private readonly memoryMb: number;
  private readonly timeLimitMs: number;
  private readonly maxAbs: number;
  private isolate!: ivm.Isolate;
  private context!: ivm.Context;
  private runRef!: ivm.Reference<(...args: unknown[]) => RawResult>;
  private logsRef!: ivm.Reference<() => string[]>;
  private progress!: ivm.Reference<Int32Array>;
  private codec?: StateCodec;
  private codecLoaded = false;
  private disposed = false;

  private constructor(private readonly mod: StrippedModule, opts: SandboxOptions) {
    this.filename = mod.filename;
    this.memoryMb = opts.memoryMb ?? 64;
    this.timeLimitMs = opts.timeLimitMs ?? 5000;
    this.maxAbs = opts.maxAbs ?? 1e6;
    if (!(this.memoryMb >= 8)) throw new RxgymError(`sandbox memoryMb must be at least 8, got ${String(opts.memoryMb)}`);
    if (!(this.timeLimitMs > 0)) throw new RxgymError(`sandbox timeLimitMs must be positive, got ${String(opts.timeLimitMs)}`);
    if (!(this.maxAbs > 0)) throw new RxgymError(`sandbox maxAbs must be positive, got ${String(opts.maxAbs)}`);
    this.boot();
  }

  /** Strip, check and load a reward module; throws a `RewardCodeError` that says what is wrong and where. */
  static compile(source: string, opts: SandboxOptions = {}): RewardSandbox {
    return new RewardSandbox(stripTypes(source, opts.filename ?? 'reward.ts'), opts);
  }

  /** Create the isolate, run the prelude and the module. */
  private boot(): void {
    this.isolate = new ivm.Isolate({ memoryLimit: this.memoryMb });
    this.context = this.isolate.createContextSync();
    this.isolate.compileScriptSync(PRELUDE, { filename: 'prelude.js' }).runSync(this.context, { timeout: 1000 });
    let loaded: unknown;
    try {
      const script = this.isolate.compileScriptSync(MODULE_PREFIX + this.mod.js + MODULE_SUFFIX, { filename: INTERNAL_FILE });
      loaded = script.runSync(this.context, { timeout: this.timeLimitMs });
    } catch (err) {
      const e = this.explainCrash(err, undefined) ?? this.explainThrow(err as Error, 'while loading the module (top-level code)');
      this.dispose();
      throw e;
    }
    if (loaded !== true) {
      this.dispose();
      throw new RewardCodeError(
        'shape',
        `${this.filename} defines no reward function; write \`export function reward(prev, action, next, info) { return number | { total, components } }\``,
      );
    }
    this.runRef = this.context.evalSync('__rx.run', { reference: true }) as ivm.Reference<(...args: unknown[]) => RawResult>;
    this.logsRef = this.context.evalSync('__rx.logs', { reference: true }) as ivm.Reference<() => string[]>;
    this.progress = this.context.evalSync('__rx.progress', { reference: true }) as ivm.Reference<Int32Array>;
    this.codecLoaded = false;
  }

  /** Position in the author's source of the first frame in the reward module of a stack trace. */
  private locate(stack: string): { line: number; column: number } | undefined {
    const m = new RegExp(`${INTERNAL_FILE.replace('.', '\\.')}:(\\d+):(\\d+)`).exec(stack);
    if (!m) return undefined;
    const line = Number(m[1]);
    let column = Number(m[2]);
    if (line === 1) column -= MODULE_PREFIX.length;
    return this.mod.map.original(line, column);
  }

  private explainThrow(err: { message?: string; name?: string; stack?: string }, context: string, transition?: number): RewardCodeError {
    const where = this.locate(err.stack ?? '');
    const at = where ? `${this.filename}:${where.line}:${where.column}` : this.filename;
    let message = `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message ?? String(err)}`;
    if (/^Not supported$/.test(err.message ?? '')) message += ' (dynamic import() is not available: the sandbox has no modules)';
    if (NODE_NAMES.test(message)) message += ' (the sandbox has no Node.js or browser APIs: reward code sees only its arguments and Math)';
    const excerpt = where ? excerptAt(this.mod.source, where.line, where.column) : '';
    return new RewardCodeError('exception', `${at}: reward code threw ${context}: ${message}${excerpt}`, { ...where, transition });
  }

  /** Time-outs and memory blow-ups, which end the whole call; undefined for ordinary exceptions. */
  private explainCrash(err: unknown, n: number | undefined, transition?: number): RewardCodeError | undefined {
    const msg = err instanceof Error ? err.message : String(err);
    if (/timed out/i.test(msg)) {
      return new RewardCodeError(
        'timeout',
        `${this.filename}: reward code ran past its time limit of ${this.timeLimitMs} ms${n !== undefined ? ` on a batch of ${n} transitions` : ' while loading'} (an endless loop?)`,
        { transition },
      );
    }
    if (/memory limit|disposed/i.test(msg)) {
      return new RewardCodeError('memory', `${this.filename}: reward code exceeded its memory limit of ${this.memoryMb} MB${n !== undefined ? ` on a batch of ${n} transitions` : ' while loading'}`, { transition });
    }
    return undefined;
  }

  private ensureCodec(first: unknown): void {
    if (!this.codec) this.codec = makeCodec(inferSchema(first));
    if (this.codecLoaded) return;
    this.context.evalSync(`__rx.setUnpack(function (__arr) { return ${this.codec.unpackSource}; }, ${this.codec.width}, ${this.codec.opaque})`);
    this.codecLoaded = true;
  }

  private describeTransition(input: RewardBatchInput, k: number): string {
    const d = input.actionDim;
    const action = (input.scalarActions ?? (input.actions instanceof Int32Array && d === 1)) ? input.actions[k] : Array.from(input.actions.subarray(k * d, (k + 1) * d));
    return ` on transition ${k}: prev=${shortJson(input.prevStates[k])} action=${shortJson(action)} next=${shortJson(input.nextStates[k])}`;
  }

  /** Reward every transition of the batch in one crossing. Throws only for misuse (disposed, inconsistent lengths). */
  run(input: RewardBatchInput): RewardBatchResult {
    if (this.disposed) throw new RxgymError(`${this.filename}: the reward sandbox was disposed`);
    const n = input.prevStates.length;
    if (input.nextStates.length !== n || input.actions.length < n * input.actionDim) {
      throw new RxgymError(`${this.filename}: batch has ${n} prev states, ${input.nextStates.length} next states and ${input.actions.length} action values (actionDim ${input.actionDim})`);
    }
    if (this.isolate.isDisposed) this.boot();
    if (n === 0) return { total: new Float64Array(0), status: new Uint8Array(0), components: {}, errorCount: 0, logs: [] };
    this.ensureCodec(input.prevStates[0]);
    let packed = packStates(this.codec, input.prevStates, input.nextStates);
    if (packed.fallback) {
      // The states did not fit the schema: widen it to every state of this batch (odd leaves travel as JSON) and retry.
      this.codec = makeCodec(mergeSchema(this.codec!.schema, inferSchemaOf(packed.unique)));
      this.codecLoaded = false;
      this.ensureCodec(undefined);
      packed = packStates(this.codec, input.prevStates, input.nextStates);
    }
    const scalar = input.scalarActions ?? (input.actions instanceof Int32Array && input.actionDim === 1);
    let raw: RawResult;
    try {
      raw = this.runRef.applySync(
        undefined,
        [
          packed.data, packed.json, packed.opaqueIds, packed.opaqueKinds, packed.strings, packed.fallback, packed.prevIdx, packed.nextIdx, input.actions, input.actionDim, scalar,
          input.rewards, input.terminations, input.truncations, input.success, input.episodeSteps,
          input.messages ? JSON.stringify(input.messages) : null, this.maxAbs,
        ],
        { arguments: { copy: true }, result: { copy: true }, timeout: this.timeLimitMs },
      );
    } catch (err) {
      return this.failedCall(err, input, n);
    }
    const result: RewardBatchResult = { total: raw.total, status: raw.status, components: {}, errorCount: raw.errors, logs: raw.logs };
    for (const name of raw.names) result.components[name] = raw.comps[name]!;
    if (raw.first) result.error = this.explainFirst(raw.first, input);
    return result;
  }

  private explainFirst(first: RawFirst, input: RewardBatchInput): RewardCodeError {
    const k = first.index;
    const on = this.describeTransition(input, k);
    if (first.kind === 'exception') {
      const e = this.explainThrow(first, 'an exception', k);
      return new RewardCodeError('exception', e.message.replace(/\n|$/, `${on}\n`).trimEnd(), { line: e.line, column: e.column, transition: k });
    }
    const what: Record<string, string> = {
      'non-number': `must return a number or { total: number, components }, got ${first.message}`,
      'non-finite': `returned a non-finite reward (${first.message})`,
      'too-large': `returned ${first.message}, beyond the accepted magnitude ${this.maxAbs} (scale the reward down)`,
    };
    return new RewardCodeError(first.kind as RewardCodeErrorKind, `${this.filename}: reward ${what[first.kind] ?? first.message}${on}`, { transition: k });
  }

  private failedCall(err: unknown, input: RewardBatchInput, n: number): RewardBatchResult {
    let at: number | undefined;
    if (!this.isolate.isDisposed) {
      try {
        at = (this.progress.copySync() as Int32Array)[0];
      } catch {
        at = undefined;
      }
    }
    // Anything else the isolate refuses (dynamic import()) also ends the call: blame the transition it was on.
    const crash = this.explainCrash(err, n, at) ?? this.explainThrow(err as Error, `and aborted the batch of ${n}`, at);
    const code = { timeout: TransitionStatus.TimedOut, memory: TransitionStatus.OutOfMemory }[crash.kind as string] ?? TransitionStatus.Threw;
    const status = new Uint8Array(n).fill(code);
    const error = at !== undefined ? new RewardCodeError(crash.kind, `${crash.message}; it was${this.describeTransition(input, at)}`, { transition: at }) : crash;
    return { total: new Float64Array(n), status, components: {}, errorCount: n, error, logs: this.isolate.isDisposed ? [] : this.takeLogs() };
  }

  private takeLogs(): string[] {
    return this.logsRef.applySync(undefined, [], { result: { copy: true } }) as string[];
  }

  /** Free the isolate (idempotent). */
  dispose(): void {
    this.disposed = true;
    if (this.isolate && !this.isolate.isDisposed) this.isolate.dispose();
  }
}
