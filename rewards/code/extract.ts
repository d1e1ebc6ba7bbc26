/** Fenced blocks of an answer: language tag and body, in order. */
function fences(text: string): Array<{ lang: string; body: string }> {
  const out: Array<{ lang: string; body: string }> = [];
  const re = /```([\w+-]*)[^\n]*\n([\s\S]*?)```/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ lang: m[1]!.toLowerCase(), body: m[2]! });
  return out;
}

const CODE_LANGS = ['typescript', 'ts', 'javascript', 'js', 'tsx', 'jsx'];

/**
 * The reward module in an LLM answer: a TypeScript/JavaScript fence that defines `reward`, else any fence that does,
 * else any code fence, else the whole answer when it looks like code; undefined when there is none.
 */
export function extractCode(answer: string): string | undefined {
  const blocks = fences(answer);
  const defines = (b: { body: string }): boolean => /\bfunction\s+reward\b|\breward\s*=/.test(b.body);
  const pick =
    blocks.find((b) => CODE_LANGS.includes(b.lang) && defines(b)) ??
    blocks.find(defines) ??
    blocks.find((b) => CODE_LANGS.includes(b.lang));
  if (pick) return pick.body.trim() + '\n';
  if (/\bexport\s+function\s+reward\b/.test(answer) && !answer.includes('```')) return answer.trim() + '\n';
  return undefined;
}
