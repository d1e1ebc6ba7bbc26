import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEventsJsonl } from '../../src/bench/results.js';
import { crc32c, maskedCrc32c } from '../../src/report/crc32c.js';
import { tensorboardLogger } from '../../src/report/tensorboard.js';

// TensorBoard's published schema (tensorboard/compat/proto/event.proto, summary.proto), the fields a scalar uses;
// decoding with it is independent of rxgym's hand-written encoder.
const SCHEMA = `
syntax = "proto3";
package tensorboard;
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    bytes graph_def = 4;
    Summary summary = 5;
    bytes log_message = 6;
    bytes session_log = 7;
    bytes tagged_run_metadata = 8;
    bytes meta_graph_def = 9;
  }
}
message SummaryMetadata {
  message PluginData { string plugin_name = 1; bytes content = 2; }
  PluginData plugin_data = 1;
}
message Summary {
  message Value {
    string node_name = 7;
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value { float simple_value = 2; bytes obsolete_old_style_histogram = 3; bytes image = 4; bytes histo = 5;
      bytes audio = 6; bytes tensor = 8; }
  }
  repeated Value value = 1;
}`;
const Event = protobuf.parse(SCHEMA).root.lookupType('tensorboard.Event');

interface Decoded {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars: { tag: string; value: number }[];
}

/** Read a TFRecord file as TensorBoard's reader does: check both masked CRCs of every record, decode each Event. */
function readEventFile(path: string): Decoded[] {
  const buf = readFileSync(path);
  const out: Decoded[] = [];
  let off = 0;
  while (off < buf.length) {
    const len = Number(buf.readBigUInt64LE(off));
    expect(buf.readUInt32LE(off + 8)).toBe(maskedCrc32c(buf.subarray(off, off + 8)));
    const data = buf.subarray(off + 12, off + 12 + len);
    expect(buf.readUInt32LE(off + 12 + len)).toBe(maskedCrc32c(data));
    off += 16 + len;
    const ev = Event.toObject(Event.decode(data), { longs: Number }) as {
      wallTime: number;
      step?: number;
      fileVersion?: string;
      summary?: { value: { tag: string; simpleValue: number }[] };
    };
    out.push({
      wallTime: ev.wallTime,
      step: ev.step ?? 0,
      fileVersion: ev.fileVersion,
      scalars: (ev.summary?.value ?? []).map((v) => ({ tag: v.tag, value: v.simpleValue })),
    });
  }
  expect(off).toBe(buf.length);
  return out;
}

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'rxgym-tb-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Feed a recorded run's events.jsonl through the logger; return the decoded event file. */
function logFixture(name: string): { events: ReturnType<typeof parseEventsJsonl>; file: string; decoded: Decoded[] } {
  const events = parseEventsJsonl(readFileSync(join(import.meta.dirname, 'fixtures', name, 'events.jsonl'), 'utf8'));
  const dir = tmp();
  const tb = tensorboardLogger(dir, { hostname: 'testhost', pid: 42 });
  for (const e of events) tb.write(e);
  tb.close();
  tb.close();
  const files = readdirSync(dir);
  expect(files).toHaveLength(1);
  expect(tb.path).toBe(join(dir, files[0]!));
  return { events, file: files[0]!, decoded: readEventFile(join(dir, files[0]!)) };
}

describe('TensorBoard event files', () => {
  it('masks CRC-32C as TFRecord does (published test vectors)', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(maskedCrc32c(new TextEncoder().encode('\x1a\x11CRC test, one two'))).toBe(0x5794d08a);
  });

  it("writes a real CartPole PPO run as scalars a protobuf reader decodes with TensorBoard's schema", () => {
    const { events, file, decoded } = logFixture('run-cartpole-ppo');
    expect(file).toMatch(/^events\.out\.tfevents\.\d{10}\.testhost\.42\.\d+$/);
    expect(decoded[0]!.fileVersion).toBe('brain.Event:2');
    const byTag = new Map<string, { step: number; value: number }[]>();
    for (const d of decoded.slice(1))
      for (const s of d.scalars) byTag.set(s.tag, [...(byTag.get(s.tag) ?? []), { step: d.step, value: s.value }]);
    const episodes = events.filter((e) => e.type === 'episode');
    const returns = byTag.get('charts/episodic_return')!;
    expect(returns).toHaveLength(episodes.length);
    expect(returns.map((r) => r.step)).toEqual(episodes.map((e) => e.step));
    expect(returns[5]!.value).toBeCloseTo(episodes[5]!.return, 4); // float32
    const train = events.filter((e) => e.type === 'train');
    expect(byTag.get('losses/value_loss')!.map((x) => x.step)).toEqual(train.map((e) => e.step));
    expect(byTag.get('losses/value_loss')![0]!.value).toBeCloseTo(train[0]!.stats.valueLoss!, 3);
    for (const tag of [
      'losses/policy_loss',
      'losses/entropy',
      'losses/approx_kl',
      'losses/clipfrac',
      'charts/learning_rate',
      'charts/SPS',
      'eval/mean_return',
      'rewards/extrinsic/raw_mean',
      'rewards/extrinsic/scaled_mean',
    ]) {
      expect(byTag.has(tag), tag).toBe(true);
    }
    const ev = events.find((e) => e.type === 'eval')!;
    expect(byTag.get('eval/mean_return')).toEqual([{ step: ev.step, value: expect.closeTo(ev.meanReturn, 3) }]);
    // wall_time is the event's own time, in seconds
    expect(decoded[1]!.wallTime).toBeCloseTo(events.find((e) => e.type === 'episode')!.time / 1000, 3);
  });

  it('logs reward components, annotator counters (at the step reached) and exploration of an ONI run', () => {
    const { decoded } = logFixture('run-demo-oni');
    const tags = new Set(decoded.flatMap((d) => d.scalars.map((s) => s.tag)));
    for (const tag of [
      'rewards/oni/raw_mean',
      'rewards/oni/scaled_mean',
      'annotator/oni/labelled',
      'annotator/oni/failures',
      'annotator/oni/cache_hits',
      'explore/unique_cells',
      'eval/success_rate',
      'charts/success',
    ]) {
      expect(tags.has(tag), tag).toBe(true);
    }
    const labelled = decoded.filter((d) => d.scalars.some((s) => s.tag === 'annotator/oni/labelled'));
    // the first label arrives while the first batch is annotated, before any step was reported
    expect(labelled.at(-1)!.step).toBeGreaterThan(0);
    expect(labelled.map((d) => d.step)).toEqual([...labelled.map((d) => d.step)].sort((a, b) => a - b));
  });

  it('creates no file for a run without scalars and tags pre-training scalars apart', () => {
    const dir = tmp();
    const tb = tensorboardLogger(dir);
    tb.write({ type: 'start', runId: 'r', env: 'E', agent: 'a', numEnvs: 1, seed: 1, time: 1 });
    tb.close();
    expect(readdirSync(dir)).toEqual([]);
    const tb2 = tensorboardLogger(dir, { hostname: 'h' });
    tb2.write({ type: 'batch', step: 64, steps: 64, sps: 100, time: 2000, phase: 'pretrain' } as never);
    tb2.write({ type: 'batch', step: 64, steps: 64, sps: 90, time: 3000 });
    tb2.close();
    tb2.write({ type: 'batch', step: 128, steps: 64, sps: 90, time: 4000 });
    const got = readEventFile(tb2.path!)
      .slice(1)
      .map((d) => [d.step, d.scalars[0]!.tag]);
    expect(got).toEqual([
      [64, 'pretrain/charts/SPS'],
      [64, 'charts/SPS'],
    ]);
  });
});
