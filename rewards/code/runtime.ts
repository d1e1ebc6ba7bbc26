/** Outcome of one transition in the sandbox. */
export const TransitionStatus = { Ok: 0, Threw: 1, NonNumber: 2, NonFinite: 3, TooLarge: 4, TimedOut: 5, OutOfMemory: 6 } as const;

/**
 * The script that runs first in every reward isolate. It removes what a reward must not depend on (clock,
 * randomness, WebAssembly, shared memory, eval), captures the builtins the batch runner needs before user code
 * can touch them, and defines the frozen `__rx` entry points: `load` (the module), `setUnpack` (the state codec)
 * and `run` (one batch: one crossing in, one out).
 */
export const PRELUDE = String.raw`
(function () {
  'use strict';
  const g = globalThis;
  for (const name of ['Date', 'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'FinalizationRegistry', 'WeakRef', 'Intl', 'eval']) {
    try { delete g[name]; } catch (e) { /* non-configurable: leave it */ }
  }
  const F64 = Float64Array, U8 = Uint8Array, I32 = Int32Array;
  const parse = JSON.parse, stringify = JSON.stringify, abs = Math.abs, StringFn = String;
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
  const arr = function (b, o, n) { const a = new Array(n); for (let i = 0; i < n; i++) a[i] = b[o + i]; return a; };
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
    run: function (data, json, qx, qk, strJson, fallback, prevIdx, nextIdx, actions, actionDim, scalarAction, rewards, terms, truncs, success, steps, messagesJson, maxAbs) {
      const n = prevIdx.length;
      const total = new F64(n), status = new U8(n);
      const comps = {}, names = [];
      const q = parse(json);
      if (!fallback && qk.length > 0) {
        const S = parse(strJson);
        for (let i = 0; i < qk.length; i++) {
          if (qk[i] !== 1) continue;
          const refs = q[i], list = new Array(refs.length);
          for (let j = 0; j < refs.length; j++) list[j] = S[refs[j]];
          q[i] = list;
        }
      }
      const messages = messagesJson ? parse(messagesJson) : null;
      let errors = 0, first = null;
      const state = fallback
        ? function (id) { return parse(q[id]); }
        : function (id) { return unpack(data, id * width, q, qx, id * opaque); };
      for (let k = 0; k < n; k++) {
        progress[0] = k;
        const prev = state(prevIdx[k]), next = state(nextIdx[k]);
        const action = scalarAction ? actions[k] : arr(actions, k * actionDim, actionDim);
        const info = {
          reward: rewards ? rewards[k] : 0,
          terminated: terms ? terms[k] === 1 : false,
          truncated: truncs ? truncs[k] === 1 : false,
          success: success ? success[k] === 1 : false,
          step: steps ? steps[k] : 0,
          message: messages ? messages[k] : '',
        };
        let r;
        try {
          r = reward(prev, action, next, info);
        } catch (e) {
          status[k] = 1; errors++;
          if (!first) { first = errorInfo(e); first.index = k; first.kind = 'exception'; }
          continue;
        }
        let t = r;
        if (r !== null && typeof r === 'object') {
          t = r.total;
          const c = r.components;
          if (c !== null && typeof c === 'object') {
            for (const key in c) {
              let col = comps[key];
              if (col === undefined) {
                if (names.length >= 64) continue;
                col = comps[key] = new F64(n).fill(NaN);
                names.push(key);
              }
              const v = c[key];
              col[k] = typeof v === 'number' ? v : typeof v === 'boolean' ? +v : NaN;
            }
          }
        }
        let code = 0;
        if (typeof t !== 'number') code = 2;
        else if (t !== t || t === Infinity || t === -Infinity) code = 3;
        else if (abs(t) > maxAbs) code = 4;
        if (code === 0) { total[k] = t; continue; }
        status[k] = code; errors++;
        if (!first) first = { index: k, kind: code === 2 ? 'non-number' : code === 3 ? 'non-finite' : 'too-large', message: code === 2 ? describe(r) : StringFn(t), name: '', stack: '' };
      }
      const out = logs.slice();
      logs.length = 0;
      return { total: total, status: status, comps: comps, names: names, errors: errors, first: first, logs: out };
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
