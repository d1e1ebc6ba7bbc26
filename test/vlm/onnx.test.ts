import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnxEncoder } from '../../rewards/vlm/onnx/clip.js';
import { clipFiles } from '../../rewards/vlm/onnx/files.js';
import { ClipTokenizer } from '../../rewards/vlm/onnx/tokenizer.js';
import expected from './fixtures/tiny-clip-expected.json' with { type: 'json' };

// A tiny CLIP-shaped model (random weights, HF/transformers.js layout) that test/vlm/fixtures/make-tiny-clip.py
// generated with Debian's python3-onnx, with numpy's embeddings of one sentence and one frame. No real CLIP weights
// can be downloaded here: this checks files, tokenizer, preprocessing, sessions, normalisation and batching.
const DIR = join(import.meta.dirname, 'fixtures', 'tiny-clip');

describe('onnx:<dir> encoder (tiny CLIP-shaped model)', () => {
  it('tokenizes as CLIP: lower case, BPE merges, </w>, start/end tokens, padded with the end token', () => {
    const tok = new ClipTokenizer(clipFiles(DIR), 16);
    const e = tok.encode(expected.text);
    expect(e.ids.slice(0, expected.ids.length)).toEqual(expected.ids);
    expect(e.ids.length).toBe(16);
    expect(e.mask.reduce((a, b) => a + b, 0)).toBe(expected.ids.length);
    expect(e.ids[15]).toBe(tok.eot);
  });

  it('text and image embeddings match numpy on the same graphs, unit length, batched in one call', async () => {
    const enc = onnxEncoder(DIR);
    try {
      expect(enc.dim).toBe(8);
      const t = await enc.embedTexts([expected.text, 'another arm']);
      expect(t.length).toBe(16);
      for (let j = 0; j < 8; j++) expect(t[j]).toBeCloseTo(expected.textEmbed[j]!, 4);
      // frames 1 and 3 of 4 are the fixture frame (16x16: resizing is the identity)
      const one = Uint8Array.from(expected.frame);
      const data = new Uint8Array(4 * one.length);
      data.set(one, one.length);
      data.set(one, 3 * one.length);
      const im = await enc.embedImages({ width: 16, height: 16, count: 4, data }, [1, 3]);
      for (let j = 0; j < 8; j++) {
        expect(im[j]).toBeCloseTo(expected.imageEmbed[j]!, 4);
        expect(im[8 + j]).toBeCloseTo(expected.imageEmbed[j]!, 4);
      }
      // a synchronous call from the hot path gives the same
      const out = new Float32Array(8);
      enc.sync!.embedImages({ width: 16, height: 16, count: 4, data }, [3], out);
      expect(Array.from(out)).toEqual(Array.from(im.subarray(8, 16)));
    } finally {
      enc.dispose();
    }
  });

  it('a missing or incomplete directory names the files expected and how to export them', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'rxgym-clip-'));
    try {
      expect(() => onnxEncoder(join(tmp, 'nope'))).toThrow(
        /does not exist; export one with .*onnx\/vision_model\.onnx/,
      );
      cpSync(DIR, tmp, { recursive: true });
      rmSync(join(tmp, 'onnx', 'text_model.onnx'));
      rmSync(join(tmp, 'merges.txt'));
      expect(() => onnxEncoder(tmp)).toThrow(
        /lacks \(onnx\/\)text_model\.onnx, tokenizer\.json \(or vocab\.json \+ merges\.txt\); .*preprocessing config/,
      );
      cpSync(DIR, tmp, { recursive: true });
      writeFileSync(join(tmp, 'onnx', 'vision_model.onnx'), 'not a model');
      expect(() => onnxEncoder(tmp)).toThrow(/cannot load the ONNX graphs/);
      cpSync(DIR, tmp, { recursive: true });
      writeFileSync(join(tmp, 'preprocessor_config.json'), '{ nope');
      expect(() => onnxEncoder(tmp)).toThrow(/preprocessor_config\.json is not valid JSON/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
