import { readFileSync } from 'node:fs';
import { RxgymError } from '../../../src/core/env.js';
import { readJson, type ClipFiles } from './files.js';

/** CLIP's reversible byte -> printable character table (GPT-2's bytes_to_unicode). */
function byteEncoder(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const table = new Array<string>(256);
  let n = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCharCode(keep.includes(b) ? b : 256 + n++);
  return table;
}

const PATTERN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/gu;

/**
 * CLIP's byte-level BPE tokenizer (openai/CLIP simple_tokenizer, as Hugging Face's CLIPTokenizer): lower-cased,
 * whitespace-collapsed text split by CLIP's pattern, each word's bytes merged by rank with `</w>` marking its end,
 * wrapped in <|startoftext|> ... <|endoftext|>, cut and padded to the context length (pad: <|endoftext|>).
 */
export class ClipTokenizer {
  private readonly vocab: Map<string, number>;
  private readonly ranks = new Map<string, number>();
  private readonly bytes = byteEncoder();
  private readonly cache = new Map<string, number[]>();
  readonly sot: number;
  readonly eot: number;

  constructor(
    files: ClipFiles,
    readonly contextLength: number,
  ) {
    let vocab: Record<string, number>, merges: Array<string | [string, string]>;
    if ('json' in files.tokenizer) {
      const model = readJson(files.tokenizer.json).model as
        | { vocab?: Record<string, number>; merges?: Array<string | [string, string]> }
        | undefined;
      if (!model?.vocab || !model.merges)
        throw new RxgymError(
          `onnx encoder: ${files.tokenizer.json} has no BPE model.vocab / model.merges; use a CLIP tokenizer.json`,
        );
      ({ vocab, merges } = model as { vocab: Record<string, number>; merges: Array<string | [string, string]> });
    } else {
      vocab = readJson(files.tokenizer.vocab) as Record<string, number>;
      merges = readFileSync(files.tokenizer.merges, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0 && !l.startsWith('#version'));
    }
    this.vocab = new Map(Object.entries(vocab));
    merges.forEach((m, i) => this.ranks.set(Array.isArray(m) ? m.join(' ') : m, i));
    const sot = this.vocab.get('<|startoftext|>'),
      eot = this.vocab.get('<|endoftext|>');
    if (sot === undefined || eot === undefined)
      throw new RxgymError(
        `onnx encoder: the tokenizer of ${files.dir} lacks <|startoftext|> / <|endoftext|>; is it a CLIP tokenizer?`,
      );
    this.sot = sot;
    this.eot = eot;
  }

  /** Token ids of `text` and its attention mask, each `contextLength` long. */
  encode(text: string): { ids: number[]; mask: number[] } {
    const clean = text.replace(/\s+/g, ' ').trim().toLowerCase();
    const ids = [this.sot];
    for (const m of clean.matchAll(PATTERN)) {
      const word = [...new TextEncoder().encode(m[0])].map((b) => this.bytes[b]!).join('');
      ids.push(...this.bpe(word));
    }
    const cut = ids.slice(0, this.contextLength - 1);
    cut.push(this.eot);
    const mask = cut.map(() => 1);
    while (cut.length < this.contextLength) {
      cut.push(this.eot);
      mask.push(0);
    }
    return { ids: cut, mask };
  }

  private bpe(word: string): number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const parts = [...word];
    parts[parts.length - 1] += '</w>';
    for (;;) {
      let best = -1,
        rank = Infinity;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < rank) {
          rank = r;
          best = i;
        }
      }
      if (best < 0) break;
      parts.splice(best, 2, parts[best]! + parts[best + 1]!);
    }
    const ids = parts.map((p) => {
      const id = this.vocab.get(p);
      if (id === undefined)
        throw new RxgymError(
          `onnx encoder: token "${p}" is not in the vocabulary; the tokenizer files do not match a CLIP BPE vocabulary`,
        );
      return id;
    });
    this.cache.set(word, ids);
    return ids;
  }
}

/** The context length: tokenizer_config's model_max_length, else config's text max_position_embeddings, else 77. */
export function contextLength(files: ClipFiles): number {
  const t = files.tokenizerConfig ? readJson(files.tokenizerConfig).model_max_length : undefined;
  if (typeof t === 'number' && t > 0 && t < 100_000) return t;
  const c = files.config
    ? (readJson(files.config).text_config as { max_position_embeddings?: number } | undefined)
    : undefined;
  return c?.max_position_embeddings ?? 77;
}
