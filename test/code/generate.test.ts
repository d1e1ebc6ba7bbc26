import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { make } from '../../src/core/registry.js';
import { rewardCheck, rewardGenerate, rewardTypes } from '../../src/cli/reward.js';
import { extractCode } from '../../rewards/code/extract.js';
import { checkRewardCode } from '../../rewards/code/check.js';
import {
  defaultResponder,
  lastUserMessage,
  startOpenAiServer,
  type OpenAiTestServer,
} from '../support/openai-server.js';
import { registerCorridor } from './corridor-env.js';

const GOOD =
  'export function reward(prev: CorridorState, action: number, next: CorridorState, info: StepInfo) {\n' +
  '  const progress = next.pos - prev.pos;\n  const bonus = info.success ? 5 : 0;\n  return { total: progress + ' +
  'bonus, components: { progress, bonus } };\n}';
const answer = (code: string, lang = 'typescript'): string =>
  `Stages: walk right, then reach the goal.\n\n\`\`\`${lang}\n${code}\n\`\`\`\n`;
const BROKEN_SYNTAX = 'export function reward(prev, action, next) {\n  return next.pos - ;\n}';
const THROWS =
  'export function reward(prev: any, action: number, next: any) {\n  return next.target.pos - prev.pos;\n}';

let server: OpenAiTestServer;
let dir: string;
const flags = (extra: Record<string, string> = {}) => ({
  env: 'Test-Corridor-v0',
  task: 'walk to the goal cell',
  out: join(dir, 'reward.ts'),
  llmUrl: server.url,
  llmModel: 'test-model',
  llmCache: 'off',
  ...extra,
});

beforeAll(async () => {
  registerCorridor();
  server = await startOpenAiServer();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rxgym-gen-'));
  server.requests.length = 0;
});
afterAll(async () => {
  await server.close();
});

describe('reward types and check', () => {
  it('prints describeState(), the named actions, StepInfo and the signature', () => {
    const text = rewardTypes('Test-Corridor-v0');
    expect(text).toContain('interface CorridorState');
    expect(text).toContain('type State = CorridorState;');
    expect(text).toContain('type Action = number; // Discrete(2): an index 0..1\n//   0=left, 1=right');
    expect(text).toContain('interface StepInfo');
    expect(text).toContain('export function reward(prev: State, action: Action, next: State, info: StepInfo)');
  });

  it('passes fit code with component ranges and fails unfit code with exit code 1', () => {
    const fit = checkRewardCode(GOOD, make('Test-Corridor-v0'), 'Test-Corridor-v0', { steps: 200, fuzz: 50 });
    expect(fit.fit).toBe(true);
    expect(fit.real!.transitions).toBe(200);
    expect(fit.real!.components.progress).toMatchObject({ min: -1, max: 1 });
    const unfit = checkRewardCode(THROWS, make('Test-Corridor-v0'), 'Test-Corridor-v0', { steps: 50 });
    expect(unfit.fit).toBe(false);
    expect(unfit.real!.error!.message).toMatch(/reward\.ts:2:.*reading 'pos'/);
  });

  it('reports what would break the code on fuzzed states, and warns on constant components', () => {
    const fragile =
      'export function reward(p: any, a: number, n: any) {\n  const last = n.visited[n.visited.length - 1];\n  ' +
      'return { total: 1 / n.pos + 0 * last, components: { flat: 2 } };\n}';
    const r = checkRewardCode(fragile, make('Test-Corridor-v0'), 'Test-Corridor-v0', {
      steps: 100,
      fuzz: 200,
      seed: 3,
    });
    expect(r.warnings.some((w) => /component "flat" is constant/.test(w))).toBe(true);
    expect(r.fit).toBe(false); // pos returns to 0 under a random policy: 1/0 is not finite
    expect(r.real!.error!.kind).toBe('non-finite');
  });

  it('rewardCheck returns exit codes, and says when the file is missing', () => {
    expect(() => rewardCheck(join(dir, 'missing.ts'), { env: 'Test-Corridor-v0' })).toThrow(
      /cannot read reward module .*ENOENT/,
    );
  });
});

describe('reward generate against a scripted OpenAI server', () => {
  it('repairs broken code with the error fed back, and writes the best candidate and every conversation', async () => {
    server.script({ text: [answer(BROKEN_SYNTAX), answer(GOOD)] }, { text: answer(GOOD) });
    const res = await rewardGenerate(flags({ samples: '2' }));
    expect(res.candidates.map((c) => [c.fit, c.repairs])).toEqual([
      [true, 1],
      [true, 0],
    ]);
    expect(server.requests).toHaveLength(2);
    const first = server.requests[0]!.body as { n: number; messages: Array<{ content: string }> };
    expect(first.n).toBe(2);
    expect(first.messages[1]!.content).toContain('interface CorridorState');
    expect(first.messages[1]!.content).toContain('Task: walk to the goal cell');
    expect(first.messages[1]!.content).toMatch(/staged\s+reward with nested if\/else/);
    const repair = lastUserMessage(server.requests[1]!);
    expect(repair).toMatch(/candidate-0\.ts:2:\d+: syntax error/);
    expect(repair).toContain('2 |   return next.pos - ;');
    const out = readFileSync(join(dir, 'reward.ts'), 'utf8');
    expect(out).toContain('export function reward(prev: CorridorState');
    const cand = JSON.parse(readFileSync(join(dir, 'reward.candidates', 'candidate-0.json'), 'utf8')) as {
      conversation: unknown[];
      repairs: number;
    };
    expect(cand.conversation).toHaveLength(5); // system, user, broken answer, repair request, fixed answer
    expect(existsSync(join(dir, 'reward.candidates', 'summary.json'))).toBe(true);
    expect(checkRewardCode(out, make('Test-Corridor-v0'), 'Test-Corridor-v0', { steps: 50 }).fit).toBe(true);
  });

  it('asks again when there is no code block, then when the code throws, and names the failing line', async () => {
    server.script(
      { garbage: 'upstream hiccup' },
      { text: 'I would reward moving right.' },
      { text: answer(THROWS, '') },
      { text: answer(GOOD, 'ts') },
    );
    const res = await rewardGenerate(flags({ samples: '1', repairRounds: '3' }));
    expect(res.best?.repairs).toBe(2);
    expect(lastUserMessage(server.requests[2]!)).toMatch(/no ```typescript code block/);
    expect(lastUserMessage(server.requests[3]!)).toMatch(
      /candidate-0\.ts:2:\d+: reward code threw an exception: TypeError: .*reading 'pos'.* on transition 0/s,
    );
  });

  it('fails clearly when no candidate becomes fit, keeping every candidate on disk', async () => {
    server.respond(() => ({ text: answer(THROWS) }));
    await expect(rewardGenerate(flags({ samples: '1', repairRounds: '1' }))).rejects.toThrow(
      /no fit reward among 1 candidate\(s\) after repairs: 1 failed the sandbox check \(first: candidate-0\.ts:2:/,
    );
    expect(existsSync(join(dir, 'reward.candidates', 'candidate-0.ts'))).toBe(true);
    expect(existsSync(join(dir, 'reward.ts'))).toBe(false);
  });

  it('needs --task when the env has no describeTask() of its own', async () => {
    await expect(rewardGenerate({ ...flags(), task: undefined })).rejects.toThrow(
      /--task "<what the agent should do>" is needed: env "Test-Corridor-v0" has no describeTask\(\)/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('says how to point at a server when none is configured', async () => {
    const saved = { ...process.env };
    delete process.env.OPENAI_BASE_URL;
    delete process.env.OPENAI_API_KEY;
    try {
      await expect(rewardGenerate({ ...flags(), llmUrl: undefined })).rejects.toThrow(
        /no LLM server configured; .*--llm-url <url>.*OPENAI_BASE_URL/,
      );
      await expect(rewardGenerate({ ...flags(), llmUrl: 'not a url' })).rejects.toThrow(/"not a url" is not a URL/);
    } finally {
      process.env = saved;
    }
  });
});

describe('reward generate against servers that fail or ignore n (issue 13, item 10)', () => {
  const logged = (): { lines: string[]; log: (l: string) => void } => {
    const lines: string[] = [];
    return { lines, log: (l) => lines.push(l) };
  };

  it('asks for each candidate separately when the server answers one choice (llama.cpp, Ollama)', async () => {
    server.respond(() => ({ text: answer(GOOD), choices: 1 }));
    const { lines, log } = logged();
    const res = await rewardGenerate(flags({ samples: '3' }), log);
    expect(res.candidates.map((c) => c.outcome)).toEqual(['fit', 'fit', 'fit']);
    expect(server.requests.map((r) => (r.body as { n: number }).n)).toEqual([3, 1, 1]);
    expect(lines).toContain('the server answered one choice for n=3: asked for each candidate separately');
    server.respond(defaultResponder);
  });

  it('keeps the candidates that came back when some separate requests fail', async () => {
    server.script({ text: 'I would reward moving right.', choices: 1 }, { status: 500 }, { text: answer(GOOD) });
    const res = await rewardGenerate(flags({ samples: '3', repairRounds: '0', llmRetries: '0' }));
    expect(res.candidates.map((c) => c.outcome).sort()).toEqual(['fit', 'llm-error', 'no-code']);
    expect(res.best?.outcome).toBe('fit');
    const file = join(dir, 'reward.candidates', 'summary.json');
    const summary = JSON.parse(readFileSync(file, 'utf8')) as { candidates: Array<{ outcome: string }> };
    expect(summary.candidates.map((c) => c.outcome).sort()).toEqual(['fit', 'llm-error', 'no-code']);
  });

  it('HTTP 500s: logs each retry and reports the server errors, not "no code block"', async () => {
    server.respond(() => ({ status: 500 }));
    const { lines, log } = logged();
    const err = (await rewardGenerate(flags({ samples: '2', llmRetries: '1' }), log).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^no fit reward among 2 candidate\(s\) after repairs: 2 got no answer from the LLM; /);
    expect(err.message).toMatch(/; failed requests: 2 HTTP errors \(500 x2\); latest: .* HTTP 500: scripted failure/);
    expect(err.message).not.toMatch(/code block/);
    const retry = /^LLM attempt 1 failed: LLM server at .* HTTP 500: scripted failure 500; retrying in \d\.\d s$/;
    expect(lines.some((l) => retry.test(l))).toBe(true);
    server.respond(defaultResponder);
  });

  it('garbage answers are reported as unparsable', async () => {
    server.respond(() => ({ garbage: '<html>502 Bad Gateway</html>' }));
    const err = (await rewardGenerate(flags({ samples: '1', llmRetries: '1' })).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/1 got no answer from the LLM; failed requests: 2 unparsable answers \(not an OpenAI/);
    expect(err.message).toMatch(/; latest: .*not JSON: "<html>502 Bad Gateway<\/html>"/);
    server.respond(defaultResponder);
  });

  it('a hanging server: progress lines while waiting, then time-outs in the final message', async () => {
    server.respond(() => ({ hang: true }));
    const { lines, log } = logged();
    const t0 = Date.now();
    const hanging = flags({ samples: '2', llmRetries: '1', llmTimeout: '400' });
    const err = (await rewardGenerate(hanging, log, { progressEveryMs: 150 }).catch((e: unknown) => e)) as Error;
    expect(Date.now() - t0).toBeLessThan(5000);
    const waiting = /^still waiting for test-model at http:\S+ \(\d+ s; 1 request\(s\) in flight, [01] retries so far/;
    expect(lines.some((l) => waiting.test(l))).toBe(true);
    expect(lines.some((l) => /^LLM attempt 1 failed: .*did not answer within 400 ms; retrying in/.test(l))).toBe(true);
    expect(err.message).toMatch(/2 got no answer from the LLM; failed requests: 2 time-outs; latest: .*400 ms; /);
    server.respond(defaultResponder);
  });
});

describe('code extraction', () => {
  it('prefers a TypeScript block defining reward, falls back to other fences, and finds none in prose', () => {
    expect(extractCode('```python\nx=1\n```\n```ts\nexport function reward() { return 1; }\n```')).toBe(
      'export function reward() { return 1; }\n',
    );
    expect(extractCode('```\nconst reward = () => 2;\n```')).toBe('const reward = () => 2;\n');
    expect(extractCode('export function reward() { return 3; }')).toBe('export function reward() { return 3; }\n');
    expect(extractCode('Reward the agent for moving right.')).toBeUndefined();
  });
});
