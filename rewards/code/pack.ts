/**
 * Columnar packing of compact env states for the sandbox crossing: a state schema is inferred from one state;
 * numbers and booleans go into one Float64Array (a memcpy across the isolate boundary), anything else
 * (strings, lists of records, nullable fields) goes onto a Float64 value tape with interned strings and object
 * shapes (`OpaqueTape`), never through JSON. Code for both sides is generated from the schema, so packing is a
 * straight run of property reads and array stores.
 */

/** A node of an inferred state schema. */
export type SchemaNode =
  | { kind: 'num' }
  /** A number that was a small integer (V8 keeps it unboxed, as the env's own object does); widens to num. */
  | { kind: 'int' }
  | { kind: 'bool' }
  | { kind: 'numarr'; len: number }
  | { kind: 'obj'; fields: Array<[string, SchemaNode]> }
  | { kind: 'opaque' };

/** A schema with its slot counts and generated packer. */
export interface StateCodec {
  schema: SchemaNode;
  /** Float64 slots per state. */
  width: number;
  /** Tape-carried (opaque) leaves per state. */
  opaque: number;
  /**
   * Writes `state` at `buf[off..off+width)` and its opaque leaves at `q[qo..qo+opaque)`; false when the state does not
   * fit the schema.
   */
  pack: (state: unknown, buf: Float64Array, off: number, q: unknown[], qo: number) => boolean;
  /**
   * JavaScript source of `(b, o, q, qx, qi) => state` (q(id, slot): an opaque value, qx: value ids per slot), compiled
   * inside the isolate.
   */
  unpackSource: string;
}

const MAX_UNROLL = 16;

/** An integer in V8's small-integer range, and not -0. */
function isSmallInt(v: number): boolean {
  return (v | 0) === v && v <= 0x3fffffff && v >= -0x40000000 && !(v === 0 && 1 / v < 0);
}

/** Infer the schema of a plain-JSON state. */
export function inferSchema(value: unknown): SchemaNode {
  if (typeof value === 'number') return isSmallInt(value) ? { kind: 'int' } : { kind: 'num' };
  if (typeof value === 'boolean') return { kind: 'bool' };
  // null usually marks an optional field, so it travels on the tape rather than pinning the schema
  if (value === null) return { kind: 'opaque' };
  if (Array.isArray(value)) {
    // an empty list says nothing about its elements, so it cannot fix the schema
    return value.length > 0 && value.every((x) => typeof x === 'number')
      ? { kind: 'numarr', len: value.length }
      : { kind: 'opaque' };
  }
  if (typeof value === 'object') {
    return {
      kind: 'obj',
      fields: Object.keys(value as object).map((k) => [k, inferSchema((value as Record<string, unknown>)[k])]),
    };
  }
  return { kind: 'opaque' };
}

function slotsOf(node: SchemaNode): { width: number; opaque: number } {
  switch (node.kind) {
    case 'num':
    case 'int':
    case 'bool':
      return { width: 1, opaque: 0 };
    case 'numarr':
      return { width: node.len, opaque: 0 };
    case 'opaque':
      return { width: 0, opaque: 1 };
    case 'obj':
      return node.fields.reduce(
        (acc, [, f]) => {
          const s = slotsOf(f);
          return { width: acc.width + s.width, opaque: acc.opaque + s.opaque };
        },
        { width: 0, opaque: 0 },
      );
  }
}

/** Generate the host-side packer body for `node` read from variable `v`. */
function genPack(
  node: SchemaNode,
  v: string,
  slot: { n: number },
  op: { n: number },
  vars: { n: number },
  out: string[],
  present?: string,
): void {
  switch (node.kind) {
    case 'num':
      out.push(`if (typeof ${v} !== 'number') return false; b[o + ${slot.n++}] = ${v};`);
      return;
    case 'int':
      out.push(
        `if (typeof ${v} !== 'number' || (${v} | 0) !== ${v} || ${v} > 0x3fffffff || ${v} < -0x40000000 || (${v} === ` +
          `0 && 1 / ${v} < 0)) return false; b[o + ${slot.n++}] = ${v};`,
      );
      return;
    case 'bool':
      out.push(`if (typeof ${v} !== 'boolean') return false; b[o + ${slot.n++}] = ${v} ? 1 : 0;`);
      return;
    case 'opaque':
      // a field holding undefined is carried as such; a missing field means another shape
      // (indexed stores into a reused array: q.push here cost 10x more)
      out.push(`${present ? `if (${v} === undefined && !(${present})) return false; ` : ''}q[qo + ${op.n++}] = ${v};`);
      return;
    case 'numarr': {
      out.push(`if (!Array.isArray(${v}) || ${v}.length !== ${node.len}) return false;`);
      out.push(
        `for (let i = 0; i < ${node.len}; i++) { const x = ${v}[i]; if (typeof x !== 'number') return false; b[o + ` +
          `${slot.n} + i] = x; }`,
      );
      slot.n += node.len;
      return;
    }
    case 'obj': {
      out.push(`if (${v} === null || typeof ${v} !== 'object' || Array.isArray(${v})) return false;`);
      out.push(`if (Object.keys(${v}).length !== ${node.fields.length}) return false;`);
      for (const [key, child] of node.fields) {
        const name = `v${vars.n++}`;
        out.push(`const ${name} = ${v}[${JSON.stringify(key)}];`);
        genPack(child, name, slot, op, vars, out, `Object.prototype.hasOwnProperty.call(${v}, ${JSON.stringify(key)})`);
      }
      return;
    }
  }
}

/**
 * Generate the isolate-side expression rebuilding `node` from `b` at offset `o`, and its opaque leaves through `q(qx[qi
 * + slot], slot)`.
 */
function genUnpack(node: SchemaNode, slot: { n: number }, op: { n: number }): string {
  switch (node.kind) {
    case 'num':
      return `b[o + ${slot.n++}]`;
    case 'int':
      return `(b[o + ${slot.n++}] | 0)`;
    case 'bool':
      return `b[o + ${slot.n++}] !== 0`;
    case 'opaque':
      return `q(qx[qi + ${op.n}], ${op.n++})`;
    case 'numarr': {
      const start = slot.n;
      slot.n += node.len;
      if (node.len <= MAX_UNROLL)
        return `[${Array.from({ length: node.len }, (_, i) => `b[o + ${start + i}]`).join(', ')}]`;
      return `__arr(b, o + ${start}, ${node.len})`;
    }
    case 'obj':
      // a literal "__proto__" key would set the prototype; a computed one defines the property, as JSON.parse does
      return `{ ${node.fields.map(([k, f]) => `${k === '__proto__' ? '["__proto__"]' : JSON.stringify(k)}: ${genUnpack(f, slot, op)}`).join(', ')} }`;
  }
}

/** The most specific schema both `a` and `b` fit: differing leaves, array lengths or key sets become opaque. */
export function mergeSchema(a: SchemaNode, b: SchemaNode): SchemaNode {
  if (a.kind === 'opaque' || b.kind === 'opaque') return { kind: 'opaque' };
  if (a.kind === 'numarr' && b.kind === 'numarr') return a.len === b.len ? a : { kind: 'opaque' };
  if (a.kind === 'obj' && b.kind === 'obj') {
    if (a.fields.length !== b.fields.length) return { kind: 'opaque' };
    const bf = new Map(b.fields);
    const fields: Array<[string, SchemaNode]> = [];
    for (const [k, af] of a.fields) {
      const other = bf.get(k);
      if (!other) return { kind: 'opaque' };
      fields.push([k, mergeSchema(af, other)]);
    }
    return { kind: 'obj', fields };
  }
  if ((a.kind === 'int' || a.kind === 'num') && (b.kind === 'int' || b.kind === 'num'))
    return a.kind === b.kind ? a : { kind: 'num' };
  return a.kind === b.kind ? a : { kind: 'opaque' };
}

/** The merged schema of several states. */
export function inferSchemaOf(states: readonly unknown[]): SchemaNode {
  let schema = inferSchema(states[0]);
  for (let i = 1; i < states.length; i++) schema = mergeSchema(schema, inferSchema(states[i]));
  return schema;
}

/** Build the codec of a schema. */
export function makeCodec(schema: SchemaNode): StateCodec {
  const { width, opaque } = slotsOf(schema);
  const body: string[] = [];
  genPack(schema, 's', { n: 0 }, { n: 0 }, { n: 0 }, body);
  body.push('return true;');
  // The packer is generated from key names quoted with JSON.stringify, never from state values.
  const pack = new Function('s', 'b', 'o', 'q', 'qo', body.join('\n')) as StateCodec['pack'];
  const unpackSource = `(function (b, o, q, qx, qi) { return ${genUnpack(schema, { n: 0 }, { n: 0 })}; })`;
  return { schema, width, opaque, pack, unpackSource };
}

/** Tags of the value tape (one Float64 slot each, followed by the value's payload). */
export const Tag = { Null: 0, False: 1, True: 2, Num: 3, Str: 4, Arr: 5, Obj: 6, Undef: 7 } as const;

/** String tables larger than this are dropped (and rebuilt) at the start of the next batch. */
const MAX_STRINGS = 1 << 16;
/** So are shape tables. */
const MAX_SHAPES = 1 << 14;

interface ShapeNode {
  id: number;
  next: Map<number, ShapeNode> | undefined;
}

/**
 * Host side of the opaque-value channel: leaves that are not fixed numbers (strings, lists of records, nullable
 * fields) are written to one Float64 tape instead of JSON. Strings and object key lists (shapes) are interned in
 * tables that persist across batches: only strings and shapes new since the last batch cross, and the isolate
 * keeps its copy of the tables. The tables are dropped on both sides when they grow too large or a call fails.
 *
 * Layout: null/false/true/undefined are one tag; numbers `Num, x`; strings `Str, id`; arrays `Arr, n, ...items`;
 * objects `Obj, shape, ...values` (values in the shape's key order).
 */
export class OpaqueTape {
  buf = new Float64Array(1 << 14);
  len = 0;
  private strings = new Map<string, number>();
  private shapes: ShapeNode = { id: -1, next: undefined };
  private shapeCount = 0;
  /** Strings interned since the last delivery. */
  freshStrings: string[] = [];
  /** Shapes created since the last delivery, flattened as `count, keyId...`. */
  freshShapes: number[] = [];
  /** True when the isolate must drop its tables before appending the fresh entries. */
  reset = true;
  private readonly keyIds: number[] = [];
  /** The last shape seen per key count (mod 8), to skip interning keys for objects built by the same code. */
  private recent: Array<{ keys: string[]; shape: number } | undefined> = new Array(8).fill(undefined);

  /** Start a batch: an empty tape (the tables are dropped when too large). */
  begin(): void {
    if (this.strings.size > MAX_STRINGS || this.shapeCount > MAX_SHAPES) this.invalidate();
    this.len = 0;
  }

  /** The shape of `o` when its keys are those of a recently seen shape and it holds no function or symbol; else -1. */
  private cachedShape(o: Record<string, unknown>, keys: string[]): number {
    const c = this.recent[keys.length & 7];
    if (!c || c.keys.length !== keys.length) return -1;
    for (let i = 0; i < keys.length; i++) {
      if (c.keys[i] !== keys[i]) return -1;
      const t = typeof o[keys[i]!];
      if (t === 'function' || t === 'symbol') return -1;
    }
    return c.shape;
  }

  /** Forget the tables (the isolate was rebuilt or a call failed half-way): the next batch sends them anew. */
  invalidate(): void {
    this.recent.fill(undefined);
    this.strings = new Map();
    this.shapes = { id: -1, next: undefined };
    this.shapeCount = 0;
    this.freshStrings = [];
    this.freshShapes = [];
    this.reset = true;
  }

  /** The isolate holds the fresh entries now (after a successful crossing). */
  delivered(): void {
    this.reset = false;
    this.freshStrings = [];
    this.freshShapes = [];
  }

  /** The id of a string in the table. */
  str(s: string): number {
    let id = this.strings.get(s);
    if (id === undefined) {
      id = this.strings.size;
      this.strings.set(s, id);
      this.freshStrings.push(s);
    }
    return id;
  }

  private put(x: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = x;
  }

  private shapeOf(keys: readonly number[], m: number): number {
    let node = this.shapes;
    for (let i = 0; i < m; i++) {
      const next = (node.next ??= new Map());
      let child = next.get(keys[i]!);
      if (!child) next.set(keys[i]!, (child = { id: -1, next: undefined }));
      node = child;
    }
    if (node.id < 0) {
      node.id = this.shapeCount++;
      this.freshShapes.push(m);
      for (let i = 0; i < m; i++) this.freshShapes.push(keys[i]!);
    }
    return node.id;
  }

  /**
   * Append one value. Numbers stay numbers (NaN included); functions and symbols are left out of objects, as in JSON.
   */
  encode(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.put(Tag.Num);
        this.put(v);
        return;
      case 'string':
        this.put(Tag.Str);
        this.put(this.str(v));
        return;
      case 'boolean':
        this.put(v ? Tag.True : Tag.False);
        return;
      case 'undefined':
        this.put(Tag.Undef);
        return;
      case 'object': {
        if (v === null) {
          this.put(Tag.Null);
          return;
        }
        if (Array.isArray(v)) {
          const n = v.length;
          this.put(Tag.Arr);
          this.put(n);
          for (let i = 0; i < n; i++) {
            const x: unknown = v[i];
            if (x === undefined || typeof x === 'function' || typeof x === 'symbol') this.put(Tag.Null);
            else this.encode(x);
          }
          return;
        }
        const o = v as Record<string, unknown>;
        const keys = Object.keys(o);
        let shape = this.cachedShape(o, keys);
        if (shape < 0) {
          const ids = this.keyIds;
          let m = 0;
          for (let i = 0; i < keys.length; i++) {
            const x = o[keys[i]!];
            if (typeof x === 'function' || typeof x === 'symbol') continue;
            ids[m++] = this.str(keys[i]!);
          }
          shape = this.shapeOf(ids, m);
          if (m === keys.length) this.recent[keys.length & 7] = { keys, shape };
        }
        this.put(Tag.Obj);
        this.put(shape);
        for (let i = 0; i < keys.length; i++) {
          const x = o[keys[i]!];
          if (typeof x === 'function' || typeof x === 'symbol') continue;
          this.encode(x);
        }
        return;
      }
      default:
        // functions, symbols, bigints: JSON has no such values
        this.put(Tag.Null);
    }
  }
}

/**
 * A batch of states packed for the crossing: unique states once, transitions as indices into them. Views of the
 * packer's reused buffers, valid until its next `pack`.
 */
export interface PackedStates {
  /** `unique x width` numbers. */
  data: Float64Array;
  /** The encoded distinct opaque values, back to back (`OpaqueTape` layout). */
  tape: Float64Array;
  /** Number of distinct opaque values on the tape. */
  values: number;
  /** Where each distinct value starts on the tape. */
  starts: Int32Array;
  /** States `lag` apart along the batch belong to the same env (1 when no such lag was found). */
  lag: number;
  /** Per state and opaque slot, the index of its value on the tape. */
  opaqueIds: Int32Array;
  prevIdx: Int32Array;
  nextIdx: Int32Array;
  /** The distinct state objects, in id order. */
  unique: unknown[];
  /** False when a state did not fit the codec (nothing else is filled in then). */
  ok: boolean;
}

/** Structural equality of plain JSON values (key order included), exiting at the first difference. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  // same keys in the same order (own enumerable string keys: plain objects have nothing inherited to enumerate)
  const ka = Object.keys(a);
  let i = 0;
  for (const k in b) if (ka[i++] !== k) return false;
  if (i !== ka.length) return false;
  for (i = 0; i < ka.length; i++)
    if (!sameJson((a as Record<string, unknown>)[ka[i]!], (b as Record<string, unknown>)[ka[i]!])) return false;
  return true;
}

/** Reused arrays of one packer (one sandbox): batches of the same size allocate nothing but what crosses. */
export class StatePacker {
  readonly tape = new OpaqueTape();
  private q: unknown[] = [];
  private data = new Float64Array(0);
  private ids = new Int32Array(0);
  private idx = new Int32Array(0);
  private starts = new Int32Array(0);

  /**
   * Pack the states of a batch. A rollout hands the same object as `next` of transition t and `prev` of t + numEnvs;
   * that lag is detected once and such states are packed once (no hashing per state). Opaque leaves equal to the same
   * leaf of the env's previous state reuse its tape entry, so along a trajectory only what changed is encoded.
   */
  pack(codec: StateCodec, prev: readonly unknown[], next: readonly unknown[]): PackedStates {
    const n = prev.length;
    if (this.idx.length < 2 * n) this.idx = new Int32Array(2 * n);
    const nextIdx = this.idx.subarray(0, n);
    const prevIdx = this.idx.subarray(n, 2 * n);
    let lag = 0;
    for (let l = 1; l < n; l++) {
      if (prev[l] === next[0] && next[0] !== null && typeof next[0] === 'object') {
        lag = l;
        break;
      }
    }
    const unique: unknown[] = next.slice();
    for (let i = 0; i < n; i++) nextIdx[i] = i;
    let u = n;
    for (let i = 0; i < n; i++) {
      if (lag > 0 && i >= lag && prev[i] === next[i - lag]) {
        prevIdx[i] = i - lag;
      } else {
        prevIdx[i] = u++;
        unique.push(prev[i]);
      }
    }
    const width = codec.width,
      slots = codec.opaque;
    if (this.data.length < u * width) this.data = new Float64Array(Math.ceil(u * 1.25) * width);
    const leaves = u * slots;
    if (this.q.length < leaves) this.q = new Array<unknown>(Math.ceil(u * 1.25) * slots).fill(null);
    if (this.ids.length < leaves) {
      this.ids = new Int32Array(this.q.length);
      this.starts = new Int32Array(this.q.length);
    }
    const data = this.data,
      q = this.q,
      ids = this.ids,
      starts = this.starts;
    const tape = this.tape;
    tape.begin();
    let ok = true;
    for (let k = 0; k < u && ok; k++) ok = codec.pack(unique[k], data, k * width, q, k * slots);
    let values = 0;
    if (ok && leaves > 0) {
      const back = lag * slots;
      for (let i = 0; i < leaves; i++) {
        // most leaves equal the same leaf of the env's previous state: compare before encoding
        if (lag > 0 && i >= back && i < n * slots && sameJson(q[i], q[i - back])) {
          ids[i] = ids[i - back]!;
          continue;
        }
        starts[values] = tape.len;
        tape.encode(q[i]);
        ids[i] = values++;
      }
    }
    q.fill(null, 0, leaves); // let the states go
    return {
      data: data.subarray(0, u * width),
      tape: tape.buf.subarray(0, tape.len),
      values,
      starts: starts.subarray(0, values),
      opaqueIds: ids.subarray(0, leaves),
      prevIdx,
      nextIdx,
      unique,
      lag: Math.max(1, lag),
      ok,
    };
  }
}
