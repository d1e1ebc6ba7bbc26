import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewardRefine } from '../../src/cli/reward.js';
import { lastUserMessage, startOpenAiServer, type OpenAiTestServer } from '../support/openai-server.js';
import { registerCorridor } from './corridor-env.js';

const fence = (code: string): string => `Plan: go right.\n\`\`\`typescript\n${code}\n\`\`\``;
const FIRST =
  'export function reward(prev: any, action: number, next: any, info: any) {\n  const progress = 0.01 * (next.pos - ' +
  'prev.pos);\n  return { total: progress, components: { progress, flat: 1 } };\n}';
const SECOND =
  'export function reward(prev: any, action: number, next: any, info: any) {\n  const progress = next.pos - ' +
  'prev.pos;\n  const goal = info.success ? 10 : 0;\n  return { total: progress + goal, components: { progress, ' +
  'goal } };\n}';

let server: OpenAiTestServer;
beforeAll(async () => {
  registerCorridor();
  server = await startOpenAiServer();
});
afterAll(async () => {
  await server.close();
});

describe('reward refine (Eureka loop) with real short training runs', () => {
  it('trains each candidate, reflects component statistics and success back, and keeps the best', async () => {
    server.script({ text: [fence(FIRST)] }, { text: [fence(SECOND)] });
    const runDir = mkdtempSync(join(tmpdir(), 'rxgym-refine-'));
    const res = await rewardRefine({
      env: 'Test-Corridor-v0',
      task: 'walk right to the goal cell',
      runDir,
      iterations: '2',
      samples: '1',
      trainSteps: '1024',
      llmUrl: server.url,
      llmCache: 'off',
    });
    expect(res.candidates).toHaveLength(2);
    for (const c of res.candidates) {
      expect(c.fit).toBe(true);
      expect(c.feedback!.steps).toBeGreaterThanOrEqual(1024);
      expect(c.feedback!.error).toBeUndefined();
      expect(existsSync(join(c.dir, 'reward.ts'))).toBe(true);
      expect(existsSync(join(c.dir, 'conversation.json'))).toBe(true);
      expect(existsSync(join(c.dir, 'feedback.json'))).toBe(true);
      expect(existsSync(join(c.dir, 'run', 'run.json'))).toBe(true);
    }
    const fb = res.candidates[0]!.feedback!;
    expect(fb.components.progress!.series.length).toBeGreaterThan(0);
    expect(fb.components.flat).toMatchObject({ min: 1, max: 1, mean: 1 });
    // the second request is Eureka's four-message reflection on the first candidate
    const second = server.requests[1]!.body as { messages: Array<{ role: string; content: string }> };
    expect(second.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(second.messages[2]!.content).toContain('0.01 * (next.pos - prev.pos)');
    const reflection = lastUserMessage(server.requests[1]!);
    expect(reflection).toMatch(/trained a policy with the reward function above for \d+ steps/);
    expect(reflection).toMatch(/progress: \[[-\d., e]+\], Max: [-\d.e]+, Mean: [-\d.e]+, Min: [-\d.e]+/);
    expect(reflection).toMatch(/flat: \[1(, 1)*\], Max: 1, Mean: 1, Min: 1/);
    expect(reflection).toMatch(/task success rate: [\d.]+/);
    expect(reflection).toMatch(/near-identical values/);
    const summary = JSON.parse(readFileSync(join(runDir, 'refine.json'), 'utf8')) as {
      candidates: unknown[];
      best: { iteration: number };
    };
    expect(summary.candidates).toHaveLength(2);
    expect(readFileSync(res.bestFile!, 'utf8')).toContain(`iteration ${summary.best.iteration}`);
  });
});

describe('reward refine when the server fails (issue 13, item 10)', () => {
  it('reports the server errors instead of blaming the candidates', async () => {
    server.respond(() => ({ status: 503 }));
    const runDir = mkdtempSync(join(tmpdir(), 'rxgym-refine-'));
    const lines: string[] = [];
    const err = (await rewardRefine(
      {
        env: 'Test-Corridor-v0',
        task: 'walk right to the goal cell',
        runDir,
        iterations: '2',
        samples: '1',
        trainSteps: '1024',
        llmUrl: server.url,
        llmCache: 'off',
        llmRetries: '1',
      },
      (l) => lines.push(l),
    ).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(
      /^no candidate could be trained in 2 attempt\(s\): 2 got no answer from the LLM; failed requests: 4 HTTP errors/,
    );
    expect(lines.filter((l) => /^LLM attempt 1 failed: .*HTTP 503/.test(l))).toHaveLength(2);
    type Summary = { candidates: { outcome: string }[] };
    const summary = JSON.parse(readFileSync(join(runDir, 'refine.json'), 'utf8')) as Summary;
    expect(summary.candidates.map((c) => c.outcome)).toEqual(['llm-error', 'llm-error']);
  });
});
