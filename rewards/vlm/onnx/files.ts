import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RxgymError } from '../../../src/core/env.js';

/** Where the parts of a CLIP model directory are. */
export interface ClipFiles {
  dir: string;
  vision: string;
  text: string;
  /** `tokenizer.json`, or `vocab.json` + `merges.txt`. */
  tokenizer: { json: string } | { vocab: string; merges: string };
  preprocessor: string;
  /** `config.json` / `tokenizer_config.json` when present (context length). */
  config?: string;
  tokenizerConfig?: string;
}

const HOW =
  'export one with e.g. `optimum-cli export onnx --model openai/clip-vit-base-patch32 <dir>` and split it, or copy ' +
  'a transformers.js CLIP repo (e.g. Xenova/clip-vit-base-patch32: onnx/vision_model.onnx, onnx/text_model.onnx, ' +
  'tokenizer.json, ' +
  'preprocessor_config.json) into the directory; nothing is downloaded at run time';

/**
 * Find the files of a CLIP model in `dir`; a missing or incomplete directory lists what is expected and how to get it.
 */
export function clipFiles(dir: string): ClipFiles {
  if (!existsSync(dir)) throw new RxgymError(`onnx encoder: model directory ${dir} does not exist; ${HOW}`);
  const first = (...names: string[]): string | undefined => names.map((n) => join(dir, n)).find((p) => existsSync(p));
  const vision = first('onnx/vision_model.onnx', 'vision_model.onnx');
  const text = first('onnx/text_model.onnx', 'text_model.onnx');
  const json = first('tokenizer.json');
  const vocab = first('vocab.json'),
    merges = first('merges.txt');
  const preprocessor = first('preprocessor_config.json');
  const missing = [
    vision ? '' : '(onnx/)vision_model.onnx',
    text ? '' : '(onnx/)text_model.onnx',
    json || (vocab && merges) ? '' : 'tokenizer.json (or vocab.json + merges.txt)',
    preprocessor ? '' : 'preprocessor_config.json',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new RxgymError(
      `onnx encoder: ${dir} lacks ${missing.join(', ')}; a CLIP directory holds vision and text graphs, the ` +
        `tokenizer and the preprocessing config: ${HOW}`,
    );
  }
  return {
    dir,
    vision: vision!,
    text: text!,
    tokenizer: json ? { json } : { vocab: vocab!, merges: merges! },
    preprocessor: preprocessor!,
    config: first('config.json'),
    tokenizerConfig: first('tokenizer_config.json'),
  };
}

/** Parse a JSON file of the model directory, naming it when it is not JSON. */
export function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new RxgymError(`onnx encoder: ${path} is not valid JSON (${(e as Error).message}); re-export the model`);
  }
}
