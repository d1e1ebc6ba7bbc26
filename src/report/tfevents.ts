import { maskedCrc32c } from './crc32c.js';

/**
 * The few protobuf messages of TensorBoard's event files, encoded by hand (tensorboard/compat/proto/event.proto and
 * summary.proto): an Event holds wall_time (1, double), step (2, int64) and either file_version (3, string) or a
 * Summary (5), whose repeated Value (1) holds a tag (1, string) and a simple_value (2, float).
 */
class ProtoWriter {
  private readonly bytes: number[] = [];

  /** A field key: field number and wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
  key(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  varint(v: number): this {
    // Steps are non-negative integers below 2^53, so plain arithmetic is exact.
    let x = Math.max(0, Math.floor(v));
    while (x >= 0x80) {
      this.bytes.push((x % 0x80) | 0x80);
      x = Math.floor(x / 0x80);
    }
    this.bytes.push(x);
    return this;
  }

  double(v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.bytes.push(...b);
    return this;
  }

  float(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.bytes.push(...b);
    return this;
  }

  bytesField(field: number, data: Uint8Array): this {
    this.key(field, 2).varint(data.length);
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i]!);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const utf8 = new TextEncoder();

/** One scalar: a tag (TensorBoard groups tags by their prefix before '/') and its value. */
export interface Scalar {
  tag: string;
  value: number;
}

/** The Event every event file starts with: its format version. */
export function fileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().key(1, 1).double(wallTime).bytesField(3, utf8.encode('brain.Event:2')).finish();
}

/** An Event with a Summary of scalars at one step. */
export function scalarsEvent(wallTime: number, step: number, scalars: readonly Scalar[]): Uint8Array {
  const summary = new ProtoWriter();
  for (const s of scalars) {
    const value = new ProtoWriter().bytesField(1, utf8.encode(s.tag)).key(2, 5).float(s.value).finish();
    summary.bytesField(1, value);
  }
  return new ProtoWriter().key(1, 1).double(wallTime).key(2, 0).varint(step).bytesField(5, summary.finish()).finish();
}

/** Frame one record as TFRecord: length (u64 LE), its masked CRC-32C, the data, the data's masked CRC-32C. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}
