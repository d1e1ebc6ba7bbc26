/**
 * Shared memory between the host and one reward isolate. A batch crosses by being written into a
 * `SharedArrayBuffer` both sides keep views of, so nothing is serialised, copied or allocated per call: packed
 * states, the value tape, actions and env fields go in; rewards, statuses and components come back the same way.
 * Only the reward runner in the prelude holds the isolate's views; reward code never sees the buffer.
 */

/** Fields of the layout passed with every call (element offsets into the views; -1: absent). */
export const LAYOUT_FIELDS = [
  'n',
  'values',
  'dataOff',
  'tapeOff',
  'totalOff',
  'compOff',
  'maxComps',
  'qxOff',
  'prevOff',
  'nextOff',
  'stepsOff',
  'msgOff',
  'actOff',
  'actFloat',
  'rewardsOff',
  'termsOff',
  'truncsOff',
  'successOff',
  'statusOff',
  'startsOff',
  'lag',
] as const;
export type LayoutField = (typeof LAYOUT_FIELDS)[number];

/** At most this many components per transition are recorded (the rest are dropped). */
export const MAX_COMPONENTS = 64;

/** A growable shared buffer with Float64/Int32/Float32/Uint8 views over the same bytes. */
export class Arena {
  sab = new SharedArrayBuffer(0);
  f64 = new Float64Array(this.sab);
  i32 = new Int32Array(this.sab);
  f32 = new Float32Array(this.sab);
  u8 = new Uint8Array(this.sab);
  /** False until the isolate has been handed the current buffer. */
  sent = false;
  private off = 0;
  readonly layout = new Int32Array(LAYOUT_FIELDS.length);

  /** Start laying out a batch. */
  begin(): void {
    this.off = 0;
    this.layout.fill(-1);
  }

  /** Reserve `len` elements of `bytes` bytes each; returns the element offset in the view of that width. */
  reserve(len: number, bytes: 1 | 4 | 8): number {
    this.off = Math.ceil(this.off / 8) * 8;
    const at = this.off / bytes;
    this.off += len * bytes;
    return at;
  }

  set(field: LayoutField, value: number): void {
    this.layout[LAYOUT_FIELDS.indexOf(field)] = value;
  }

  get(field: LayoutField): number {
    return this.layout[LAYOUT_FIELDS.indexOf(field)]!;
  }

  /** Make the buffer at least as large as everything reserved (a new buffer must be sent to the isolate). */
  commit(): void {
    if (this.off <= this.sab.byteLength) return;
    const size = Math.max(this.off, this.sab.byteLength * 2, 1 << 16);
    this.sab = new SharedArrayBuffer(Math.ceil(size / 8) * 8);
    this.f64 = new Float64Array(this.sab);
    this.i32 = new Int32Array(this.sab);
    this.f32 = new Float32Array(this.sab);
    this.u8 = new Uint8Array(this.sab);
    this.sent = false;
  }
}
