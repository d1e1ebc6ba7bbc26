import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { RxgymError } from '../core/env.js';

/** Why `bytes` is not text (a NUL byte, invalid UTF-8 or control characters), or undefined when it is. */
function notText(bytes: Buffer): string | undefined {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return `a NUL byte at offset ${nul}`;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'bytes that are not UTF-8';
  }
  // Control characters other than tab, newline, carriage return and form feed do not occur in YAML.
  const ctl = bytes.findIndex((b) => (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f);
  return ctl >= 0 ? `a control character (0x${bytes[ctl]!.toString(16).padStart(2, '0')}) at offset ${ctl}` : undefined;
}

/**
 * Read and parse a scenario (or bench) YAML/JSON file: a clear one-line error for a missing path, a directory or a
 * binary file (whose bytes are never echoed), and every YAML syntax error with its line and column.
 */
export function readScenarioFile(file: string, what = 'scenario'): unknown {
  if (!existsSync(file)) throw new RxgymError(`${what} file ${file} does not exist`);
  const example = 'a YAML file such as scenarios/cartpole-ppo.yaml';
  if (statSync(file).isDirectory()) throw new RxgymError(`${what} file ${file} is a directory; give ${example}`);
  const bytes = readFileSync(file);
  const why = notText(bytes);
  if (why) throw new RxgymError(`${file} is not a text file (${why}); a ${what} is ${example}`);
  const doc = parseDocument(bytes.toString('utf8'), { prettyErrors: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const what = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return `${what}${e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : ''}`;
    });
    if (lines.length === 1) throw new RxgymError(`${file} does not parse as YAML: ${lines[0]}`);
    const all = lines.map((l) => `  ${l}`).join('\n');
    throw new RxgymError(`${file} does not parse as YAML (${lines.length} errors):\n${all}`);
  }
  return doc.toJS();
}
