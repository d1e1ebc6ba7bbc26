import { setFlagsFromString } from 'node:v8';
import ivm from 'isolated-vm';
import { Arena, MAX_COMPONENTS, type LayoutField } from './arena.js';
import { RxgymError } from '../../src/core/env.js';
import { excerptAt, RewardCodeError, type RewardCodeErrorKind } from './errors.js';
import {
  inferSchema,
  inferSchemaOf,
  makeCodec,
  mergeSchema,
  StatePacker,
  type PackedStates,
  type StateCodec,
} from './pack.js';
import { MODULE_PREFIX, MODULE_SUFFIX, PRELUDE, TransitionStatus } from './runtime.js';
import { stripTypes, type StrippedModule } from './transpile.js';

/** Limits of a reward sandbox. */
export interface SandboxOptions {
  /** Name used in messages (default `reward.ts`). */
  filename?: string;
  /** Heap limit of the isolate in MB (default 64, at least 8). */
  memoryMb?: number;
  /**
   * Time limit of one batched call in ms (default 5000: a whole batch of transitions, with room for a loaded machine).
   */
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

interface RawFirst {
  index: number;
  kind: string;
  message: string;
  name: string;
  stack: string;
}
interface RawResult {
  names: string[];
  errors: number;
  first: RawFirst | null;
  logs: string[];
}

const INTERNAL_FILE = 'reward.js';
const NODE_NAMES =
  /\b(require|process|module|import|fetch|setTimeout|setInterval|setImmediate|Buffer|fs|global|Date|XMLHttpRequest|WebSocket) is not defined/;

function shortJson(value: unknown, max = 300): string {
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

/**
 * A new isolate that optimises on its own thread. With concurrent recompilation (V8's default), TurboFan code
 * for an ivm isolate is built off-thread and, when the host is busy between calls (a training step between
 * batches), is in practice never installed: reward code then runs unoptimised, ~10x slower (10-40 us instead of
 * ~1 us per transition at a batch of 2048 in a PPO run). V8 decides this per isolate when it is created, so the
 * flag is turned off only around the constructor and restored at once; other isolates are not affected.
 */
function newIsolate(memoryMb: number): ivm.Isolate {
  const concurrent = !process.execArgv.includes('--no-concurrent-recompilation');
  try {
    if (concurrent) setFlagsFromString('--no-concurrent-recompilation');
  } catch {
    // flags frozen: keep V8's default
  }
  try {
    return new ivm.Isolate({ memoryLimit: memoryMb });
  } finally {
    try {
      if (concurrent) setFlagsFromString('--concurrent-recompilation');
    } catch {
      // as above
    }
  }
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
  private readonly packer = new StatePacker();
  private readonly arena = new Arena();
  private setArenaRef!: ivm.Reference<(sab: SharedArrayBuffer) => void>;
  private disposed = false;

  private constructor(
    private readonly mod: StrippedModule,
    opts: SandboxOptions,
  ) {
    this.filename = mod.filename;
    this.memoryMb = opts.memoryMb ?? 64;
    this.timeLimitMs = opts.timeLimitMs ?? 5000;
    this.maxAbs = opts.maxAbs ?? 1e6;
    if (!(this.memoryMb >= 8))
      throw new RxgymError(`sandbox memoryMb must be at least 8, got ${String(opts.memoryMb)}`);
    if (!(this.timeLimitMs > 0))
      throw new RxgymError(`sandbox timeLimitMs must be positive, got ${String(opts.timeLimitMs)}`);
    if (!(this.maxAbs > 0)) throw new RxgymError(`sandbox maxAbs must be positive, got ${String(opts.maxAbs)}`);
    this.boot();
  }

  /** Strip, check and load a reward module; throws a `RewardCodeError` that says what is wrong and where. */
  static compile(source: string, opts: SandboxOptions = {}): RewardSandbox {
    return new RewardSandbox(stripTypes(source, opts.filename ?? 'reward.ts'), opts);
  }

  /** Create the isolate, run the prelude and the module. */
  private boot(): void {
    this.isolate = newIsolate(this.memoryMb);
    this.context = this.isolate.createContextSync();
    this.isolate.compileScriptSync(PRELUDE, { filename: 'prelude.js' }).runSync(this.context, { timeout: 1000 });
    let loaded: unknown;
    try {
      const script = this.isolate.compileScriptSync(MODULE_PREFIX + this.mod.js + MODULE_SUFFIX, {
        filename: INTERNAL_FILE,
      });
      loaded = script.runSync(this.context, { timeout: this.timeLimitMs });
    } catch (err) {
      const e =
        this.explainCrash(err, undefined) ??
        this.explainThrow(err as Error, 'while loading the module (top-level code)');
      this.dispose();
      throw e;
    }
    if (loaded !== true) {
      this.dispose();
      throw new RewardCodeError(
        'shape',
        `${this.filename} defines no reward function; write \`export function reward(prev, action, next, info) { ` +
          `return number | { total, components } }\``,
      );
    }
    this.runRef = this.context.evalSync('__rx.run', { reference: true }) as ivm.Reference<
      (...args: unknown[]) => RawResult
    >;
    this.logsRef = this.context.evalSync('__rx.logs', { reference: true }) as ivm.Reference<() => string[]>;
    this.progress = this.context.evalSync('__rx.progress', { reference: true }) as ivm.Reference<Int32Array>;
    this.setArenaRef = this.context.evalSync('__rx.setArena', { reference: true }) as ivm.Reference<
      (sab: SharedArrayBuffer) => void
    >;
    this.codecLoaded = false;
    // a new isolate has neither the tables of the value tape nor the arena
    this.packer?.tape.invalidate();
    if (this.arena) this.arena.sent = false;
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

  private explainThrow(
    err: { message?: string; name?: string; stack?: string },
    context: string,
    transition?: number,
  ): RewardCodeError {
    const where = this.locate(err.stack ?? '');
    const at = where ? `${this.filename}:${where.line}:${where.column}` : this.filename;
    let message = `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message ?? String(err)}`;
    if (/^Not supported$/.test(err.message ?? ''))
      message += ' (dynamic import() is not available: the sandbox has no modules)';
    if (NODE_NAMES.test(message))
      message += ' (the sandbox has no Node.js or browser APIs: reward code sees only its arguments and Math)';
    const excerpt = where ? excerptAt(this.mod.source, where.line, where.column) : '';
    return new RewardCodeError('exception', `${at}: reward code threw ${context}: ${message}${excerpt}`, {
      ...where,
      transition,
    });
  }

  /** Time-outs and memory blow-ups, which end the whole call; undefined for ordinary exceptions. */
  private explainCrash(err: unknown, n: number | undefined, transition?: number): RewardCodeError | undefined {
    const msg = err instanceof Error ? err.message : String(err);
    if (/timed out/i.test(msg)) {
      return new RewardCodeError(
        'timeout',
        `${this.filename}: reward code ran past its time limit of ${this.timeLimitMs} ` +
          `ms${n !== undefined ? ` on a batch of ${n} transitions` : ' while loading'} (an endless loop?)`,
        { transition },
      );
    }
    if (/memory limit|disposed/i.test(msg)) {
      return new RewardCodeError(
        'memory',
        `${this.filename}: reward code exceeded its memory limit of ${this.memoryMb} ` +
          `MB${n !== undefined ? ` on a batch of ${n} transitions` : ' while loading'}`,
        { transition },
      );
    }
    return undefined;
  }

  private ensureCodec(first: unknown): void {
    if (!this.codec) this.codec = makeCodec(inferSchema(first));
    if (this.codecLoaded) return;
    this.context.evalSync(
      `__rx.setUnpack(function (__arr) { return ${this.codec.unpackSource}; }, ${this.codec.width}, ` +
        `${this.codec.opaque})`,
    );
    this.codecLoaded = true;
  }

  private describeTransition(input: RewardBatchInput, k: number): string {
    const d = input.actionDim;
    const action =
      (input.scalarActions ?? (input.actions instanceof Int32Array && d === 1))
        ? input.actions[k]
        : Array.from(input.actions.subarray(k * d, (k + 1) * d));
    return (
      ` on transition ${k}: prev=${shortJson(input.prevStates[k])} action=${shortJson(action)} ` +
      `next=${shortJson(input.nextStates[k])}`
    );
  }

  /** Reward every transition of the batch in one crossing. Throws only for misuse (disposed, inconsistent lengths). */
  run(input: RewardBatchInput): RewardBatchResult {
    if (this.disposed) throw new RxgymError(`${this.filename}: the reward sandbox was disposed`);
    const n = input.prevStates.length;
    if (input.nextStates.length !== n || input.actions.length < n * input.actionDim) {
      throw new RxgymError(
        `${this.filename}: batch has ${n} prev states, ${input.nextStates.length} next states and ` +
          `${input.actions.length} action values (actionDim ${input.actionDim})`,
      );
    }
    if (this.isolate.isDisposed) this.boot();
    if (n === 0)
      return { total: new Float64Array(0), status: new Uint8Array(0), components: {}, errorCount: 0, logs: [] };
    const packed = this.pack(input);
    const scalar = input.scalarActions ?? (input.actions instanceof Int32Array && input.actionDim === 1);
    const tape = this.packer.tape;
    const arena = this.lay(input, packed, n);
    let raw: RawResult;
    try {
      if (!arena.sent) {
        this.setArenaRef.applySync(undefined, [arena.sab], { arguments: { copy: true }, timeout: this.timeLimitMs });
        arena.sent = true;
      }
      raw = this.runRef.applySync(
        undefined,
        [
          arena.layout,
          tape.freshStrings,
          Int32Array.from(tape.freshShapes),
          tape.reset,
          input.actionDim,
          scalar,
          this.maxAbs,
        ],
        { arguments: { copy: true }, result: { copy: true }, timeout: this.timeLimitMs },
      );
    } catch (err) {
      // the isolate may hold only part of this batch's strings and shapes: start the tables over
      tape.invalidate();
      return this.failedCall(err, input, n);
    }
    tape.delivered();
    const totalOff = arena.get('totalOff'),
      compOff = arena.get('compOff'),
      statusOff = arena.get('statusOff');
    const result: RewardBatchResult = {
      total: arena.f64.slice(totalOff, totalOff + n),
      status: arena.u8.slice(statusOff, statusOff + n),
      components: {},
      errorCount: raw.errors,
      logs: raw.logs,
    };
    raw.names.forEach((name, c) => (result.components[name] = arena.f64.slice(compOff + c * n, compOff + (c + 1) * n)));
    if (raw.first) result.error = this.explainFirst(raw.first, input);
    return result;
  }

  /** Write the batch into the arena (growing it when needed) and fill in its layout. */
  private lay(input: RewardBatchInput, packed: PackedStates, n: number): Arena {
    const a = this.arena;
    const d = input.actionDim;
    const actFloat = !(input.actions instanceof Int32Array);
    a.begin();
    a.set('n', n);
    a.set('values', packed.values);
    const dataOff = a.reserve(packed.data.length, 8);
    const tapeOff = a.reserve(packed.tape.length, 8);
    a.set('dataOff', dataOff);
    a.set('tapeOff', tapeOff);
    a.set('totalOff', a.reserve(n, 8));
    a.set('compOff', a.reserve(n * MAX_COMPONENTS, 8));
    a.set('maxComps', MAX_COMPONENTS);
    const qxOff = a.reserve(packed.opaqueIds.length, 4);
    const startsOff = a.reserve(packed.starts.length, 4);
    const prevOff = a.reserve(n, 4),
      nextOff = a.reserve(n, 4);
    const stepsOff = input.episodeSteps ? a.reserve(n, 4) : -1;
    const msgOff = input.messages ? a.reserve(n, 4) : -1;
    const actOff = a.reserve(n * d, 4);
    const rewardsOff = input.rewards ? a.reserve(n, 4) : -1;
    const termsOff = input.terminations ? a.reserve(n, 1) : -1;
    const truncsOff = input.truncations ? a.reserve(n, 1) : -1;
    const successOff = input.success ? a.reserve(n, 1) : -1;
    a.set('statusOff', a.reserve(n, 1));
    a.commit();
    a.f64.set(packed.data, dataOff);
    a.f64.set(packed.tape, tapeOff);
    a.i32.set(packed.opaqueIds, qxOff);
    a.i32.set(packed.starts, startsOff);
    a.i32.set(packed.prevIdx, prevOff);
    a.i32.set(packed.nextIdx, nextOff);
    const fields: Array<[LayoutField, number]> = [
      ['qxOff', qxOff],
      ['prevOff', prevOff],
      ['nextOff', nextOff],
      ['stepsOff', stepsOff],
      ['msgOff', msgOff],
      ['actOff', actOff],
      ['actFloat', actFloat ? 1 : 0],
      ['rewardsOff', rewardsOff],
      ['termsOff', termsOff],
      ['truncsOff', truncsOff],
      ['successOff', successOff],
      ['startsOff', startsOff],
      ['lag', packed.lag],
    ];
    for (const [k, v] of fields) a.set(k, v);
    if (input.episodeSteps) a.i32.set(input.episodeSteps.subarray(0, n), stepsOff);
    if (input.messages) {
      const tape = this.packer.tape;
      for (let k = 0; k < n; k++) {
        const m = input.messages[k];
        a.i32[msgOff + k] = typeof m === 'string' && m !== '' ? tape.str(m) : -1;
      }
    }
    (actFloat ? a.f32 : a.i32).set(input.actions.subarray(0, n * d), actOff);
    if (input.rewards) a.f32.set(input.rewards.subarray(0, n), rewardsOff);
    if (input.terminations) a.u8.set(input.terminations.subarray(0, n), termsOff);
    if (input.truncations) a.u8.set(input.truncations.subarray(0, n), truncsOff);
    if (input.success) a.u8.set(input.success.subarray(0, n), successOff);
    return a;
  }

  /** Pack the batch's states with the current codec; states that do not fit widen the schema to the whole batch. */
  private pack(input: RewardBatchInput): PackedStates {
    this.ensureCodec(input.prevStates[0]);
    let packed = this.packer.pack(this.codec!, input.prevStates, input.nextStates);
    if (!packed.ok) {
      // Widen the schema to every state of this batch (differing leaves go onto the tape) and retry.
      this.codec = makeCodec(mergeSchema(this.codec!.schema, inferSchemaOf(packed.unique)));
      this.codecLoaded = false;
      this.ensureCodec(undefined);
      packed = this.packer.pack(this.codec, input.prevStates, input.nextStates);
    }
    if (!packed.ok) {
      // Not even the widened schema fits (a state that is not an object?): carry whole states on the tape.
      this.codec = makeCodec({ kind: 'opaque' });
      this.codecLoaded = false;
      this.ensureCodec(undefined);
      packed = this.packer.pack(this.codec, input.prevStates, input.nextStates);
    }
    return packed;
  }

  private explainFirst(first: RawFirst, input: RewardBatchInput): RewardCodeError {
    const k = first.index;
    const on = this.describeTransition(input, k);
    if (first.kind === 'exception') {
      const e = this.explainThrow(first, 'an exception', k);
      return new RewardCodeError('exception', e.message.replace(/\n|$/, `${on}\n`).trimEnd(), {
        line: e.line,
        column: e.column,
        transition: k,
      });
    }
    const what: Record<string, string> = {
      'non-number': `must return a number or { total: number, components }, got ${first.message}`,
      'non-finite': `returned a non-finite reward (${first.message})`,
      'too-large': `returned ${first.message}, beyond the accepted magnitude ${this.maxAbs} (scale the reward down)`,
    };
    return new RewardCodeError(
      first.kind as RewardCodeErrorKind,
      `${this.filename}: reward ${what[first.kind] ?? first.message}${on}`,
      { transition: k },
    );
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
    const code =
      { timeout: TransitionStatus.TimedOut, memory: TransitionStatus.OutOfMemory }[crash.kind as string] ??
      TransitionStatus.Threw;
    const status = new Uint8Array(n).fill(code);
    const error =
      at !== undefined
        ? new RewardCodeError(crash.kind, `${crash.message}; it was${this.describeTransition(input, at)}`, {
            transition: at,
          })
        : crash;
    return {
      total: new Float64Array(n),
      status,
      components: {},
      errorCount: n,
      error,
      logs: this.isolate.isDisposed ? [] : this.takeLogs(),
    };
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
