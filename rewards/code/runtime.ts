import { LAYOUT_FIELDS } from './arena.js';

/** Outcome of one transition in the sandbox. */
export const TransitionStatus = {
  Ok: 0,
  Threw: 1,
  NonNumber: 2,
  NonFinite: 3,
  TooLarge: 4,
  TimedOut: 5,
  OutOfMemory: 6,
} as const;

/**
 * The script that runs first in every reward isolate. It removes what a reward must not depend on (clock,
 * randomness, WebAssembly, shared memory, eval), captures the builtins the batch runner needs before user code
 * can touch them, and defines the frozen `__rx` entry points: `load` (the module), `setUnpack` (the state codec),
 * `setArena` (the shared buffer, arena.ts) and `run` (one batch: one call in, one small result out; the batch and
 * its rewards travel through the arena). `run` keeps the string and shape tables of the value tape between
 * batches; the host sends only what is new (or `reset` to start them over).
 */
export const PRELUDE = String.raw`
(function () {
  'use strict';
  const g = globalThis;
  for (const name of ['Date', 'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'FinalizationRegistry', 'WeakRef', 'Intl', 'eval']) {
    try { delete g[name]; } catch (e) { /* non-configurable: leave it */ }
  }
  const F64 = Float64Array, U8 = Uint8Array, I32 = Int32Array, F32 = Float32Array, Fn = Function;
  let F = null, I = null, Fl = null, U = null;
  const stringify = JSON.stringify, abs = Math.abs, StringFn = String;
  const logs = [];
  const log = function () {
    if (logs.length >= 50) return;
    let line = '';
    for (let i = 0; i < arguments.length; i++) {
      const a = arguments[i];
      let s;
      try { s = typeof a === 'string' ? a : stringify(a); } catch (e) { s = StringFn(a); }
      line += (i ? ' ' : '') + s;
    }
    logs.push(line.length > 300 ? line.slice(0, 300) + '...' : line);
  };
  g.console = Object.freeze({ log: log, info: log, warn: log, error: log, debug: log });
  Math.random = function () {
    throw new Error('Math.random is disabled in reward code: a reward must be a deterministic function of the transition');
  };
  const progress = new I32(1);
  let reward = null, unpack = null, width = 0, opaque = 0;
  const describe = function (v) {
    if (typeof v === 'string') return 'a string ' + stringify(v.length > 60 ? v.slice(0, 60) + '...' : v);
    if (v === undefined) return 'undefined (no return value?)';
    if (v === null) return 'null';
    if (typeof v === 'object' && typeof v.then === 'function') return 'a Promise (a reward must be synchronous: drop async/await)';
    if (typeof v === 'object') {
      let keys = '';
      try { keys = Object.keys(v).slice(0, 6).join(', '); } catch (e) { keys = '?'; }
      return 'an object {' + keys + '} without a numeric "total"';
    }
    return 'a ' + typeof v + ' (' + StringFn(v) + ')';
  };
  const errorInfo = function (e) {
    if (e !== null && typeof e === 'object') {
      let message = '', name = 'Error', stack = '';
      try { message = StringFn(e.message); name = StringFn(e.name); stack = StringFn(e.stack); } catch (x) { message = 'an unprintable error'; }
      return { message: message, name: name, stack: stack };
    }
    return { message: 'a non-error value: ' + describe(e), name: '', stack: '' };
  };
  const arr = function (b, o, n) { const a = []; for (let i = 0; i < n; i++) a[i] = b[o + i]; return a; };
  // The value tape (pack.ts OpaqueTape): interned strings and object shapes persist across batches.
  const S = [], shapes = [];
  let T = null, P = 0;
  const d = function () {
    switch (T[P++]) {
      case 0: return null;
      case 1: return false;
      case 2: return true;
      case 3: return T[P++];
      case 4: return S[T[P++]];
      case 5: {
        const n = T[P++], a = [];
        for (let i = 0; i < n; i++) a[i] = d();
        return a;
      }
      case 6: return shapes[T[P++]](d);
      default: return undefined;
    }
  };
  // One object literal per shape: fast to build, and its properties are defined (no setters run), as JSON.parse does.
  const makeShape = function (keys) {
    let body = 'return {';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      body += (i ? ', ' : ' ') + (k === '__proto__' ? '["__proto__"]' : stringify(k)) + ': d()';
    }
    return new Fn('d', body + ' };');
  };
  const rx = {
    progress: progress,
    load: function (factory) {
      const module = { exports: {} };
      const local = factory(module.exports, module);
      const ex = module.exports;
      const fn = ex && typeof ex.reward === 'function' ? ex.reward : ex && typeof ex.default === 'function' ? ex.default : local;
      if (typeof fn !== 'function') return false;
      reward = fn;
      return true;
    },
    setUnpack: function (make, w, q) { unpack = make(arr); width = w; opaque = q; },
    logs: function () { const out = logs.slice(); logs.length = 0; return out; },
    setArena: function (sab) { F = new F64(sab); I = new I32(sab); Fl = new F32(sab); U = new U8(sab); },
    // One batch. L: the layout (arena.ts LAYOUT_FIELDS); the batch itself is in the arena.
    run: function (L, freshStrings, freshShapes, reset, actionDim, scalarAction, maxAbs) {
      const ${LAYOUT_FIELDS.map((f, i) => `${f} = L[${i}]`).join(', ')};
      if (reset) { S.length = 0; shapes.length = 0; }
      for (let i = 0; i < freshStrings.length; i++) S[S.length] = freshStrings[i];
      for (let i = 0; i < freshShapes.length; ) {
        const m = freshShapes[i++], keys = [];
        for (let j = 0; j < m; j++) keys[j] = S[freshShapes[i++]];
        shapes[shapes.length] = makeShape(keys);
      }
      // Opaque values are decoded when a state first needs them and kept while the env's next states share them
      // (one cache entry per env and slot), so they die young instead of living through the whole batch.
      T = F;
      const cacheId = new I32(lag * opaque), cacheVal = [];
      for (let i = 0; i < lag * opaque; i++) { cacheId[i] = -1; cacheVal[i] = null; }
      let base = 0;
      const q = function (id, slot) {
        const c = base + slot;
        if (cacheId[c] === id) return cacheVal[c];
        P = tapeOff + I[startsOff + id];
        const v = d();
        cacheId[c] = id; cacheVal[c] = v;
        return v;
      };
      const A = actFloat === 1 ? Fl : I;
      const names = [];
      for (let k = 0; k < n; k++) { F[totalOff + k] = 0; U[statusOff + k] = 0; }
      let errors = 0, first = null;
      for (let k = 0; k < n; k++) {
        progress[0] = k;
        // each use of a state gets its own object (the code may mutate it); only opaque values are shared
        const pi = I[prevOff + k], ni = I[nextOff + k];
        base = (k % lag) * opaque;
        const prev = unpack(F, dataOff + pi * width, q, I, qxOff + pi * opaque), next = unpack(F, dataOff + ni * width, q, I, qxOff + ni * opaque);
        const action = scalarAction ? A[actOff + k] : arr(A, actOff + k * actionDim, actionDim);
        const m = msgOff >= 0 ? I[msgOff + k] : -1;
        const info = {
          reward: rewardsOff >= 0 ? Fl[rewardsOff + k] : 0,
          terminated: termsOff >= 0 ? U[termsOff + k] === 1 : false,
          truncated: truncsOff >= 0 ? U[truncsOff + k] === 1 : false,
          success: successOff >= 0 ? U[successOff + k] === 1 : false,
          step: stepsOff >= 0 ? I[stepsOff + k] : 0,
          message: m >= 0 ? S[m] : '',
        };
        let r;
        try {
          r = reward(prev, action, next, info);
        } catch (e) {
          U[statusOff + k] = 1; errors++;
          if (!first) { first = errorInfo(e); first.index = k; first.kind = 'exception'; }
          continue;
        }
        let t = r;
        if (r !== null && typeof r === 'object') {
          t = r.total;
          const c = r.components;
          if (c !== null && typeof c === 'object') {
            for (const key in c) {
              let col = -1;
              for (let j = 0; j < names.length; j++) if (names[j] === key) { col = j; break; }
              if (col < 0) {
                if (names.length >= maxComps) continue;
                col = names.length;
                names[col] = key;
                for (let j = compOff + col * n, e = j + n; j < e; j++) F[j] = NaN;
              }
              const v = c[key];
              F[compOff + col * n + k] = typeof v === 'number' ? v : typeof v === 'boolean' ? +v : NaN;
            }
          }
        }
        let code = 0;
        if (typeof t !== 'number') code = 2;
        else if (t !== t || t === Infinity || t === -Infinity) code = 3;
        else if (abs(t) > maxAbs) code = 4;
        if (code === 0) { F[totalOff + k] = t; continue; }
        U[statusOff + k] = code; errors++;
        if (!first) first = { index: k, kind: code === 2 ? 'non-number' : code === 3 ? 'non-finite' : 'too-large', message: code === 2 ? describe(r) : StringFn(t), name: '', stack: '' };
      }
      T = null;
      const out = logs.slice();
      logs.length = 0;
      return { names: names, errors: errors, first: first, logs: out };
    },
  };
  Object.freeze(rx);
  Object.defineProperty(g, '__rx', { value: rx, writable: false, configurable: false, enumerable: false });
})();
`;

/** Text put before the stripped module on its first line, so module lines keep their numbers. */
export const MODULE_PREFIX = '__rx.load(function (exports, module) {';
/** Text after the module: falls back to a top-level `reward` function when nothing is exported. */
export const MODULE_SUFFIX = "\n;return typeof reward === 'function' ? reward : undefined;\n})";
