/**
 * Columnar packing of compact env states for the sandbox crossing: a state schema is inferred from one state;
 * numbers and booleans go into one Float64Array (a memcpy across the isolate boundary), anything else
 * (strings, nested non-numeric arrays) travels as JSON. Code for both sides is generated from the schema,
 * so packing is a straight run of property reads and array stores.
 */

/** A node of an inferred state schema. */
export type SchemaNode =
  | { kind: 'num' }
  | { kind: 'bool' }
  | { kind: 'numarr'; len: number }
  | { kind: 'obj'; fields: Array<[string, SchemaNode]> }
  | { kind: 'opaque' };

/** A schema with its slot counts and generated packer. */
export interface StateCodec {
  schema: SchemaNode;
  /** Float64 slots per state. */
  width: number;
  /** JSON-carried leaves per state. */
  opaque: number;
  /** Writes `state` at `buf[off..off+width)`, pushes its opaque leaves to `q`; false when the state does not fit the schema. */
  pack: (state: unknown, buf: Float64Array, off: number, q: unknown[]) => boolean;
  /** JavaScript source of `(b, o, q, qx, qi) => state` (q: opaque values, qx: their ids per slot), compiled inside the isolate. */
  unpackSource: string;
}

const MAX_UNROLL = 16;

/** Infer the schema of a plain-JSON state. */
export function inferSchema(value: unknown): SchemaNode {
  if (typeof value === 'number') return { kind: 'num' };
  if (typeof value === 'boolean') return { kind: 'bool' };
  // null usually marks an optional field, so it travels as JSON rather than pinning the schema
  if (value === null) return { kind: 'opaque' };
  if (Array.isArray(value)) {
    // an empty list says nothing about its elements, so it cannot fix the schema
    return value.length > 0 && value.every((x) => typeof x === 'number') ? { kind: 'numarr', len: value.length } : { kind: 'opaque' };
  }
  if (typeof value === 'object') {
    return { kind: 'obj', fields: Object.keys(value as object).map((k) => [k, inferSchema((value as Record<string, unknown>)[k])]) };
  }
  return { kind: 'opaque' };
}

function slotsOf(node: SchemaNode): { width: number; opaque: number } {
  switch (node.kind) {
    case 'num':
    case 'bool':
      return { width: 1, opaque: 0 };
    case 'numarr':
      return { width: node.len, opaque: 0 };
    case 'opaque':
      return { width: 0, opaque: 1 };
    case 'obj':
      return node.fields.reduce((acc, [, f]) => {
        const s = slotsOf(f);
        return { width: acc.width + s.width, opaque: acc.opaque + s.opaque };
      }, { width: 0, opaque: 0 });
  }
}

/** Generate the host-side packer body for `node` read from variable `v`. */
function genPack(node: SchemaNode, v: string, slot: { n: number }, vars: { n: number }, out: string[]): void {
  switch (node.kind) {
    case 'num':
      out.push(`if (typeof ${v} !== 'number') return false; b[o + ${slot.n++}] = ${v};`);
      return;
    case 'bool':
      out.push(`if (typeof ${v} !== 'boolean') return false; b[o + ${slot.n++}] = ${v} ? 1 : 0;`);
      return;
    case 'opaque':
      out.push(`if (${v} === undefined) return false; q.push(${v});`);
      return;
    case 'numarr': {
      out.push(`if (!Array.isArray(${v}) || ${v}.length !== ${node.len}) return false;`);
      out.push(`for (let i = 0; i < ${node.len}; i++) { const x = ${v}[i]; if (typeof x !== 'number') return false; b[o + ${slot.n} + i] = x; }`);
      slot.n += node.len;
      return;
    }
    case 'obj': {
      out.push(`if (${v} === null || typeof ${v} !== 'object' || Array.isArray(${v})) return false;`);
      out.push(`if (Object.keys(${v}).length !== ${node.fields.length}) return false;`);
      for (const [key, child] of node.fields) {
        const name = `v${vars.n++}`;
        out.push(`const ${name} = ${v}[${JSON.stringify(key)}];`);
        genPack(child, name, slot, vars, out);
      }
      return;
    }
  }
}

/** Generate the isolate-side expression rebuilding `node` from `b` at offset `o` and opaque list `q` at `qi`. */
function genUnpack(node: SchemaNode, slot: { n: number }, op: { n: number }): string {
  switch (node.kind) {
    case 'num':
      return `b[o + ${slot.n++}]`;
    case 'bool':
      return `b[o + ${slot.n++}] !== 0`;
    case 'opaque':
      return `q[qx[qi + ${op.n++}]]`;
    case 'numarr': {
      const start = slot.n;
      slot.n += node.len;
      if (node.len <= MAX_UNROLL) return `[${Array.from({ length: node.len }, (_, i) => `b[o + ${start + i}]`).join(', ')}]`;
      return `__arr(b, o + ${start}, ${node.len})`;
    }
    case 'obj':
      return `{ ${node.fields.map(([k, f]) => `${JSON.stringify(k)}: ${genUnpack(f, slot, op)}`).join(', ')} }`;
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
  genPack(schema, 's', { n: 0 }, { n: 0 }, body);
  body.push('return true;');
  // The packer is generated from key names quoted with JSON.stringify, never from state values.
  const pack = new Function('s', 'b', 'o', 'q', body.join('\n')) as StateCodec['pack'];
  const unpackSource = `(function (b, o, q, qx, qi) { return ${genUnpack(schema, { n: 0 }, { n: 0 })}; })`;
  return { schema, width, opaque, pack, unpackSource };
}

/** A batch of states packed for the crossing: unique states once, transitions as indices into them. */
export interface PackedStates {
  /** `unique x width` numbers, or empty when the JSON fallback is used. */
  data: Float64Array;
  /** JSON of the distinct opaque values, or of an array of each state's JSON in the fallback. */
  json: string;
  /** Per state and opaque slot, the index of its value in `json`'s array. */
  opaqueIds: Int32Array;
  /** Per distinct value: 0 plain JSON, 1 a list of ids into `strings`. */
  opaqueKinds: Uint8Array;
  /** JSON array of the interned strings. */
  strings: string;
  prevIdx: Int32Array;
  nextIdx: Int32Array;
  /** True when the states did not fit the codec and travel as JSON. */
  fallback: boolean;
  /** The distinct state objects, in id order. */
  unique: unknown[];
}

/**
 * Pack the states of a batch. A rollout hands the same object as `next` of transition t and `prev` of t + numEnvs;
 * that lag is detected once and such states are packed once (no hashing per state).
 */
export function packStates(codec: StateCodec | undefined, prev: readonly unknown[], next: readonly unknown[]): PackedStates {
  const n = prev.length;
  const prevIdx = new Int32Array(n);
  const nextIdx = new Int32Array(n);
  let lag = 0;
  for (let l = 1; l < n; l++) {
    if (prev[l] === next[0] && next[0] !== null && typeof next[0] === 'object') {
      lag = l;
      break;
    }
  }
  const unique: unknown[] = [];
  for (let i = 0; i < n; i++) {
    nextIdx[i] = unique.length;
    unique.push(next[i]);
  }
  for (let i = 0; i < n; i++) {
    if (lag > 0 && i >= lag && prev[i] === next[i - lag]) {
      prevIdx[i] = nextIdx[i - lag]!;
    } else {
      prevIdx[i] = unique.length;
      unique.push(prev[i]);
    }
  }
  if (codec) {
    const data = new Float64Array(unique.length * codec.width);
    const q: unknown[] = [];
    let ok = true;
    for (let u = 0; u < unique.length && ok; u++) ok = codec.pack(unique[u], data, u * codec.width, q);
    if (ok) {
      const { json, ids, kinds, strings } = shareOpaque(q, codec.opaque, lag, n);
      return { data, json, opaqueIds: ids, opaqueKinds: kinds, strings, prevIdx, nextIdx, fallback: false, unique };
    }
  }
  return { data: new Float64Array(0), json: JSON.stringify(unique.map((u) => JSON.stringify(u))), opaqueIds: new Int32Array(0), opaqueKinds: new Uint8Array(0), strings: '[]', prevIdx, nextIdx, fallback: true, unique };
}

/** Structural equality of plain JSON values, exiting at the first difference. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/** Distinct opaque values as JSON, the id of each slot's value, and string interning for lists of strings. */
interface SharedOpaque { json: string; ids: Int32Array; kinds: Uint8Array; strings: string }

function isStringList(v: unknown): v is string[] {
  if (!Array.isArray(v) || v.length === 0) return false;
  for (const x of v) if (typeof x !== 'string') return false;
  return true;
}

/**
 * Serialise opaque leaves once per distinct value along each env's trajectory: a slot equal to the same slot of
 * the env's previous state (`lag` states earlier among the first `n`) reuses its value instead of new JSON.
 * Lists of strings (message histories) travel as ids into one string table (kind 1), since they share most entries.
 */
function shareOpaque(q: readonly unknown[], slots: number, lag: number, n: number): SharedOpaque {
  const ids = new Int32Array(q.length);
  const parts: string[] = [];
  const kinds: number[] = [];
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  for (let i = 0; i < q.length; i++) {
    const u = (i / slots) | 0;
    const v = q[i];
    if (lag > 0 && u >= lag && u < n && sameJson(v, q[i - lag * slots])) {
      ids[i] = ids[i - lag * slots]!;
      continue;
    }
    ids[i] = parts.length;
    if (isStringList(v)) {
      const refs = new Array<number>(v.length);
      for (let j = 0; j < v.length; j++) {
        let id = stringIds.get(v[j]!);
        if (id === undefined) {
          id = strings.length;
          strings.push(v[j]!);
          stringIds.set(v[j]!, id);
        }
        refs[j] = id;
      }
      parts.push(`[${refs.join(',')}]`);
      kinds.push(1);
    } else {
      parts.push(JSON.stringify(v) ?? 'null');
      kinds.push(0);
    }
  }
  return { json: `[${parts.join(',')}]`, ids, kinds: Uint8Array.from(kinds), strings: JSON.stringify(strings) };
}
