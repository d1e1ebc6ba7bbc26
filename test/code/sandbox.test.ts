import { describe, expect, it } from 'vitest';
import { sandboxCompiler } from './sandboxes.js';
import { RewardCodeError, TransitionStatus, type RewardBatchInput } from '../../rewards/code/index.js';

const compile = sandboxCompiler();

interface S {
  x: number;
  goal: number;
  pos: [number, number];
  carrying: boolean;
  tag: string;
}
/** n transitions along a line; next of t is prev of t + 1 (the same object, as a rollout hands them). */
function batch(n: number, actionDim = 2): RewardBatchInput & { prevStates: S[]; nextStates: S[] } {
  const states: S[] = [];
  for (let i = 0; i <= n; i++) states.push({ x: i, goal: 10, pos: [i * 0.5, -i], carrying: i % 3 === 0, tag: `s${i}` });
  const actions = new Float32Array(n * actionDim);
  for (let i = 0; i < actions.length; i++) actions[i] = (i % 5) / 10;
  return {
    prevStates: states.slice(0, n),
    nextStates: states.slice(1),
    actions,
    actionDim,
    rewards: new Float32Array(n).fill(0.25),
    terminations: new Uint8Array(n).map((_, i) => (i === n - 1 ? 1 : 0)),
    truncations: new Uint8Array(n),
    success: new Uint8Array(n).map((_, i) => (i === n - 1 ? 1 : 0)),
    episodeSteps: new Int32Array(n).map((_, i) => i),
    messages: Array.from({ length: n }, (_, i) => (i === 2 ? 'You pick up a key.' : '')),
  };
}

const GOOD = `
interface Pos { x: number; goal: number; pos: [number, number]; carrying: boolean; tag: string }
interface Info { reward: number; terminated: boolean; success: boolean; step: number; message: string }
/** Staged: approach the goal, bonus while carrying, success bonus. */
export function reward(prev: Pos, action: number[], next: Pos, info: Info): { total: number; components: Record<string, number> } {
  const progress: number = Math.abs(prev.goal - prev.x) - Math.abs(next.goal - next.x);
  const carry = next.carrying ? 0.1 : 0;
  const effort = -0.01 * (action[0] * action[0] + action[1] * action[1]);
  const key = info.message.includes('key') ? 1 : 0;
  const total = progress + carry + effort + (info.success ? 5 : 0) + key + info.reward + next.pos[1] * 0.001 + (next.tag === 's3' ? 2 : 0);
  return { total, components: { progress, carry, effort } };
}
`;

describe('reward sandbox: correct results', () => {
  it('computes the same rewards and components as the code run directly', () => {
    const b = batch(64);
    const res = compile(GOOD).run(b);
    expect(res.errorCount).toBe(0);
    for (let i = 0; i < 64; i++) {
      const prev = b.prevStates[i]!,
        next = b.nextStates[i]!;
      const a0 = b.actions[i * 2]!,
        a1 = b.actions[i * 2 + 1]!;
      const progress = Math.abs(prev.goal - prev.x) - Math.abs(next.goal - next.x);
      const carry = next.carrying ? 0.1 : 0;
      const effort = -0.01 * (a0 * a0 + a1 * a1);
      const total =
        progress +
        carry +
        effort +
        (i === 63 ? 5 : 0) +
        (i === 2 ? 1 : 0) +
        0.25 +
        next.pos[1] * 0.001 +
        (next.tag === 's3' ? 2 : 0);
      expect(res.total[i]).toBeCloseTo(total, 10);
      expect(res.components.progress![i]).toBeCloseTo(progress, 12);
      expect(res.components.carry![i]).toBe(carry);
      expect(res.components.effort![i]).toBeCloseTo(effort, 12);
    }
  });

  it('passes Discrete actions as numbers and accepts plain JavaScript with no export', () => {
    const b = { ...batch(5), actions: new Int32Array([0, 1, 2, 3, 4]), actionDim: 1 };
    const res = compile('function reward(prev, action, next) { return action * 10 + next.x; }', {
      filename: 'r.js',
    }).run(b);
    expect(Array.from(res.total)).toEqual([1, 12, 23, 34, 45]);
  });

  it('copes with states that change shape between batches (JSON fallback) and back', () => {
    const sb = compile('export function reward(p: any, a: any, n: any) { return (n.extra ?? 0) + n.x; }');
    expect(Array.from(sb.run(batch(3)).total)).toEqual([1, 2, 3]);
    const odd = batch(3);
    odd.nextStates[1] = { ...odd.nextStates[1]!, extra: 100 } as S;
    expect(Array.from(sb.run(odd).total)).toEqual([1, 102, 3]);
    expect(Array.from(sb.run(batch(3)).total)).toEqual([1, 2, 3]);
  });

  it('carries nested lists, nullable fields and strings exactly, for two envs interleaved as in a rollout', () => {
    // 2 envs x 6 steps, time-major; next of (t, i) is the same object as prev of (t + 1, i)
    const mk = (t: number, i: number) => ({
      player: { x: t, y: i },
      inventory: t >= 3 && i === 0 ? [{ name: 'a key', qty: 1 }] : [],
      stairs: { down: t >= 4 ? ([t, i] as [number, number]) : null },
      message: t === 2 ? 'You see a key.' : '',
      history: t >= 2 ? ['You see a key.'] : [],
    });
    const traj = [0, 1].map((i) => Array.from({ length: 7 }, (_, t) => mk(t, i)));
    const prev: unknown[] = [],
      next: unknown[] = [];
    for (let t = 0; t < 6; t++)
      for (let i = 0; i < 2; i++) {
        prev.push(traj[i]![t]);
        next.push(traj[i]![t + 1]);
      }
    const code = `export function reward(p: any, a: number, n: any) {
      return JSON.stringify(n) === JSON.stringify(p) ? -1 : n.inventory.length * 100 + (n.stairs.down ? n.stairs.down[0] * 10 + n.stairs.down[1] : 0) + n.history.length * 1000 + (n.message ? 5 : 0);
    }`;
    const expected = next.map((s) => {
      const n = s as ReturnType<typeof mk>;
      return (
        n.inventory.length * 100 +
        (n.stairs.down ? n.stairs.down[0] * 10 + n.stairs.down[1] : 0) +
        n.history.length * 1000 +
        (n.message ? 5 : 0)
      );
    });
    const sb = compile(code);
    const input = { prevStates: prev, nextStates: next, actions: new Int32Array(12), actionDim: 1 };
    expect(Array.from(sb.run(input).total)).toEqual(expected);
    expect(Array.from(sb.run(input).total)).toEqual(expected); // second call: the widened schema, no fallback
  });

  it('gives each use of a state its own copy, so mutation by the code cannot leak into the next transition', () => {
    const res = compile('export function reward(p: any, a: any, n: any) { const r = p.x; n.x = 1000; return r; }').run(
      batch(4),
    );
    expect(Array.from(res.total)).toEqual([0, 1, 2, 3]);
  });
});

describe('reward sandbox: bad input is contained and explained', () => {
  it('stops an infinite loop at the time limit, names the transition, and stays usable', () => {
    const sb = compile(
      'export function reward(p: any, a: any, n: any) {\n  if (n.x === 7) { while (true) {} }\n  return 1;\n}',
      { timeLimitMs: 100 },
    );
    const res = sb.run(batch(10));
    expect(res.error).toBeInstanceOf(RewardCodeError);
    expect(res.error!.kind).toBe('timeout');
    expect(res.error!.transition).toBe(6);
    expect(res.error!.message).toMatch(/time limit of 100 ms on a batch of 10 transitions.*transition 6/s);
    expect(res.status.every((s) => s === TransitionStatus.TimedOut)).toBe(true);
    expect(Array.from(sb.run(batch(5)).total)).toEqual([1, 1, 1, 1, 1]);
  });

  it('kills a memory bomb at the memory limit, and a fresh isolate serves the next batch', () => {
    const sb = compile(
      'const keep: number[][] = [];\nexport function reward(p: any, a: any, n: any) {\n  if (n.x === 3) for (;;) ' +
        'keep.push(new Array(100000).fill(n.x));\n  return 2;\n}',
      { memoryMb: 16, timeLimitMs: 20000 },
    );
    const res = sb.run(batch(5));
    expect(res.error!.kind).toBe('memory');
    expect(res.error!.message).toMatch(/memory limit of 16 MB/);
    expect(res.status.every((s) => s === TransitionStatus.OutOfMemory)).toBe(true);
    const b = batch(2);
    expect(Array.from(sb.run(b).total)).toEqual([2, 2]);
  });

  it('process.exit is not there: an exception with line, hint and state; the host lives on', () => {
    const res = compile('export function reward() {\n  process.exit(1);\n  return 0;\n}').run(batch(2));
    expect(res.error!.kind).toBe('exception');
    expect(res.error!.line).toBe(2);
    expect(res.error!.message).toMatch(
      /reward\.ts:2:3: .*process is not defined .*no Node\.js.*transition 0: prev=\{"x":0/s,
    );
    expect(res.errorCount).toBe(2);
  });

  it("rejects require('child_process') at compile time with the line, and a disguised require at run time", () => {
    const err = (() => {
      try {
        compile(
          "export function reward() {\n  const cp = require('child_process');\n  return cp.execSync('id').length;\n}",
        );
      } catch (e) {
        return e as RewardCodeError;
      }
    })();
    expect(err?.kind).toBe('import');
    expect(err?.line).toBe(2);
    expect(err?.message).toMatch(/may not require\(\) modules/);
    const res = compile(
      "export function reward() { const r = (globalThis as any)['req' + 'uire']; return r('child_process'); }",
    ).run(batch(1));
    expect(res.error!.kind).toBe('exception');
    expect(res.error!.message).toMatch(/is not a function/);
  });

  it('rejects import declarations and import(), and contains an import() smuggled through Function', () => {
    expect(() => compile("import { readFileSync } from 'node:fs';\nexport function reward() { return 1; }")).toThrow(
      /reward\.ts:1:1: reward code may not import modules/,
    );
    expect(() => compile("export async function reward() { await import('fs'); return 1; }")).toThrow(
      /may not import\(\) modules/,
    );
    // type-only imports vanish with the types
    expect(
      compile("import type { S } from './state';\nexport function reward(p: S) { return 1; }").run(batch(1)).total[0],
    ).toBe(1);
    const res = compile('export function reward() { return new Function(\'return import("fs")\')(); }').run(batch(3));
    expect(res.error!.kind).toBe('exception');
    expect(res.error!.message).toMatch(/dynamic import\(\) is not available/);
    expect(res.errorCount).toBe(3);
  });

  it('keeps prototype pollution inside its own isolate and the batch runner intact', () => {
    const code = `
      (Object.prototype as any).polluted = 'yes';
      Array.prototype.push = function () { throw new Error('push broken'); };
      (JSON as any).parse = null;
      (Math as any).abs = () => NaN;
      Object.defineProperty(Object.prototype, 'total', { get() { return 'hijacked'; }, configurable: true });
      export function reward(p: any, a: any, n: any) { return n.x * 2; }`;
    const res = compile(code).run(batch(3));
    expect(res.errorCount).toBe(0);
    expect(Array.from(res.total)).toEqual([2, 4, 6]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Math.abs(-1)).toBe(1);
    expect(typeof JSON.parse).toBe('function');
    expect(
      compile('export function reward() { return ({} as any).polluted === undefined ? 1 : 0; }').run(batch(1)).total[0],
    ).toBe(1);
  });

  it('reports strings, Promises and objects without total as non-numbers', () => {
    const s = compile('export function reward() { return "1.5"; }').run(batch(2));
    expect(s.error!.kind).toBe('non-number');
    expect(s.error!.message).toMatch(/got a string "1\.5" on transition 0/);
    expect(s.status[1]).toBe(TransitionStatus.NonNumber);
    expect(s.total[0]).toBe(0);
    expect(compile('export async function reward() { return 1; }').run(batch(1)).error!.message).toMatch(
      /a Promise .*synchronous/,
    );
    expect(
      compile('export function reward() { return { components: { a: 1 } }; }').run(batch(1)).error!.message,
    ).toMatch(/without a numeric "total"/);
  });

  it('reports NaN and infinities as non-finite, and huge numbers as too large', () => {
    const nan = compile('export function reward(p: any, a: any, n: any) { return n.x === 2 ? 0 / 0 : 1; }').run(
      batch(3),
    );
    expect(nan.error!.kind).toBe('non-finite');
    expect(nan.error!.transition).toBe(1);
    expect(Array.from(nan.status)).toEqual([0, TransitionStatus.NonFinite, 0]);
    expect(compile('export function reward() { return -Infinity; }').run(batch(1)).error!.kind).toBe('non-finite');
    const huge = compile('export function reward() { return 1e300; }').run(batch(1));
    expect(huge.error!.kind).toBe('too-large');
    expect(huge.error!.message).toMatch(/1e\+300, beyond the accepted magnitude 1000000/);
    expect(compile('export function reward() { return 5e5; }', { maxAbs: 1e6 }).run(batch(1)).errorCount).toBe(0);
  });

  it('explains an exception on the first step with message, original TypeScript line and the state', () => {
    const code =
      'interface S { x: number }\n\ntype T = { y: number };\nexport function reward(prev: S, a: number[], next: S & ' +
      '{ inner?: T }): number {\n  return next.inner!.y;\n}';
    const res = compile(code, { filename: 'keyroom.ts' }).run(batch(2));
    expect(res.error!.transition).toBe(0);
    expect(res.error!.line).toBe(5);
    expect(res.error!.message).toContain('keyroom.ts:5:');
    expect(res.error!.message).toContain("TypeError: Cannot read properties of undefined (reading 'y')");
    expect(res.error!.message).toContain('next={"x":1,"goal":10');
    expect(res.error!.message).toContain('5 |   return next.inner!.y;');
  });

  it('stops an endless loop in top-level code at load time', () => {
    expect(() =>
      compile('let i = 0;\nwhile (true) { i++; }\nexport function reward() { return i; }', { timeLimitMs: 100 }),
    ).toThrow(/ran past its time limit of 100 ms while loading/);
  });

  it('explains a throw at module load time', () => {
    expect(() => compile('const table = (undefined as any).rows;\nexport function reward() { return 1; }')).toThrow(
      /reward\.ts:1:.*while loading the module.*reading 'rows'/s,
    );
  });

  it('refuses a file that is not code: prose, binary, empty, or no reward function', () => {
    const prose = (() => {
      try {
        compile('The reward is the negative distance to the goal,\nplus five on success.');
      } catch (e) {
        return e as RewardCodeError;
      }
    })();
    expect(prose?.kind).toBe('syntax');
    expect(prose?.line).toBe(1);
    expect(prose?.message).toMatch(/reward\.ts:1:\d+: syntax error: .*\n  1 \| The reward is/);
    expect(() => compile('\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR')).toThrow(/not a text file/);
    expect(() => compile('  \n')).toThrow(/is empty/);
    expect(() => compile('export const weights = [1, 2];')).toThrow(/defines no reward function/);
  });

  it('points at syntax errors with line, column and an excerpt', () => {
    const err = (() => {
      try {
        compile('export function reward(p, a, n) {\n  return n.x +;\n}');
      } catch (e) {
        return e as RewardCodeError;
      }
    })();
    expect(err?.kind).toBe('syntax');
    expect(err?.line).toBe(2);
    expect(err?.column).toBe(15);
    expect(err?.message).toContain('2 |   return n.x +;');
  });

  it('has no clock, randomness, timers or host objects; captures console output', () => {
    const probe = compile(`export function reward() {
      console.log('probe', { a: 1 });
      const g = globalThis as any;
      const missing = ['Date', 'setTimeout', 'setInterval', 'process', 'require', 'fetch', 'WebAssembly', 'SharedArrayBuffer', 'eval', 'Buffer']
        .filter((k) => typeof g[k] !== 'undefined');
      if (missing.length) throw new Error('present: ' + missing.join(','));
      return 1;
    }`);
    const res = probe.run(batch(1));
    expect(res.error).toBeUndefined();
    expect(res.logs).toEqual(['probe {"a":1}']);
    expect(compile('export function reward() { return Math.random(); }').run(batch(1)).error!.message).toMatch(
      /Math\.random is disabled/,
    );
  });
});
