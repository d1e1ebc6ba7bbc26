// `npm run lint`, second half: no source line over 120 characters. Biome's formatter wraps code at 120 but leaves
// strings and comments as they are, so this checks them. Lines that lie inside a multi-line template literal are
// embedded documents (MJCF XML, the reward sandbox's JavaScript, type declarations written into prompts) whose
// content is data, and are not counted. Prints each offending line as file:line; exits 1 if there is one.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MAX = 120;
const ROOTS = ['src', 'envs', 'agents', 'rewards', 'test'];
const SKIP = new Set(['node_modules', 'dist', 'fixtures']);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|mts|mjs)$/.test(name)) yield path;
  }
}

/** For each line, whether it starts inside a template literal (a lexical scan of strings, comments, templates). */
function insideTemplate(src) {
  const inside = [false];
  let st = 'code';
  let quote = '';
  const braces = []; // per open template: depth of `${ }` nesting we are in
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\n') {
      if (st === 'line' || st === 'str') st = 'code';
      inside.push(st === 'template');
      continue;
    }
    if (st === 'line') continue;
    if (st === 'block') {
      if (c === '*' && src[i + 1] === '/') {
        st = 'code';
        i++;
      }
      continue;
    }
    if (st === 'str') {
      if (c === '\\') i++;
      else if (c === quote) st = 'code';
      continue;
    }
    if (st === 'template') {
      if (c === '\\') i++;
      else if (c === '`') {
        braces.pop();
        st = 'code';
      } else if (c === '$' && src[i + 1] === '{') {
        braces[braces.length - 1] = 1;
        st = 'code';
        i++;
      }
      continue;
    }
    if (c === '/' && src[i + 1] === '/') st = 'line';
    else if (c === '/' && src[i + 1] === '*') {
      st = 'block';
      i++;
    } else if (c === "'" || c === '"') {
      st = 'str';
      quote = c;
    } else if (c === '`') {
      braces.push(0);
      st = 'template';
    } else if (braces.length > 0 && braces[braces.length - 1] > 0) {
      if (c === '{') braces[braces.length - 1]++;
      else if (c === '}' && --braces[braces.length - 1] === 0) st = 'template';
    }
  }
  return inside;
}

// A ratchet: the lines listed in long-lines.txt (file:first 60 characters of the line) were over the limit when the
// check came in and wait to be rewritten; any other line over the limit fails. Fixed lines should leave the list.
const known = new Set(
  readFileSync(new URL('./long-lines.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#')),
);
const keyOf = (file, line) => `${file}:${line.trim().slice(0, 60)}`;
const baseline = process.argv.includes('--baseline');

let bad = 0;
for (const root of ROOTS) {
  for (const file of files(root)) {
    const src = readFileSync(file, 'utf8');
    const inside = insideTemplate(src);
    src.split('\n').forEach((line, i) => {
      if (line.length > MAX && !inside[i]) {
        if (baseline) console.log(keyOf(file, line));
        else if (!known.has(keyOf(file, line))) {
          bad++;
          console.log(`${file}:${i + 1}: ${line.length} characters (at most ${MAX})`);
        }
      }
    });
  }
}
if (bad > 0) {
  console.log(`${bad} lines over ${MAX} characters`);
  process.exit(1);
}
