import type { Env } from '../../src/core/env.js';
import type { ChatMessage, LlmClient } from '../../src/llm/types.js';
import { checkRewardCode, type CheckReport } from './check.js';
import { rewardDeclarations } from './declarations.js';
import { extractCode } from './extract.js';
import { describeFailure, initialMessages, repairMessage } from './prompt.js';
import { collectTransitions, type CollectedTransitions } from './transitions.js';

/** Options of Text2Reward-style generation. */
export interface GenerateOptions {
  envId: string;
  env: Env<unknown, unknown>;
  task: string;
  llm: LlmClient;
  /** Candidates sampled at once (default 4). */
  samples?: number;
  /** Repair rounds per candidate after a failed check (default 2). */
  repairRounds?: number;
  temperature?: number;
  /** Real transitions each candidate is checked on (default 256). */
  checkSteps?: number;
  seed?: number;
  /** Conversation to start from instead of the initial prompt (refinement). */
  messages?: ChatMessage[];
  /** Progress lines for the CLI. */
  log?: (line: string) => void;
}

/** One candidate after its repair rounds. */
export interface Candidate {
  index: number;
  /** Repair rounds used (0: the first answer passed or was the last try). */
  repairs: number;
  code?: string;
  report?: CheckReport;
  fit: boolean;
  /** Why the last version failed, when it did. */
  problem?: string;
  /** The whole conversation of this candidate, answers included. */
  conversation: ChatMessage[];
}

/** Generation's outcome: every candidate and the declarations they were written against. */
export interface GenerateResult {
  declarations: string;
  candidates: Candidate[];
  /** The fit candidate with the fewest warnings (the first such), if any. */
  best?: Candidate;
}

function check(code: string | undefined, opts: GenerateOptions, transitions: CollectedTransitions, index: number): CheckReport | undefined {
  if (code === undefined) return undefined;
  return checkRewardCode(code, opts.env, opts.envId, { filename: `candidate-${index}.ts`, transitions, fuzz: 128, seed: opts.seed ?? 0 });
}

/** Sample K reward modules, check each in the sandbox on real transitions, and repair failures with the error fed back. */
export async function generateRewards(opts: GenerateOptions): Promise<GenerateResult> {
  const log = opts.log ?? (() => undefined);
  const k = opts.samples ?? 4;
  const rounds = opts.repairRounds ?? 2;
  const declarations = rewardDeclarations(opts.envId, opts.env);
  const base = opts.messages ?? initialMessages(declarations, opts.task);
  const transitions = collectTransitions(opts.env, opts.envId, { steps: opts.checkSteps ?? 256, seed: opts.seed ?? 0 });
  log(`asking ${opts.llm.model} at ${opts.llm.baseUrl} for ${k} candidate(s)`);
  const first = await opts.llm.chat(base, { n: k, temperature: opts.temperature ?? 0.8 });

  const candidates = await Promise.all(
    first.texts.slice(0, k).map(async (answer, index): Promise<Candidate> => {
      const conversation: ChatMessage[] = [...base, { role: 'assistant', content: answer }];
      let code = extractCode(answer);
      let report = check(code, opts, transitions, index);
      let repairs = 0;
      while (!(report?.fit ?? false) && repairs < rounds) {
        const problem = describeFailure(report, code === undefined);
        log(`candidate ${index}: ${problem.split('\n')[0]} -> repair round ${repairs + 1}`);
        conversation.push(repairMessage(problem));
        const reply = await opts.llm.chat(conversation, { n: 1, temperature: opts.temperature ?? 0.8 });
        const text = reply.texts[0] ?? '';
        conversation.push({ role: 'assistant', content: text });
        code = extractCode(text);
        report = check(code, opts, transitions, index);
        repairs++;
      }
      const fit = report?.fit ?? false;
      log(`candidate ${index}: ${fit ? 'fit' : 'unfit'}${repairs ? ` after ${repairs} repair(s)` : ''}`);
      return { index, repairs, code, report, fit, problem: fit ? undefined : describeFailure(report, code === undefined), conversation };
    }),
  );
  const fit = candidates.filter((c) => c.fit);
  const best = fit.sort((a, b) => a.report!.warnings.length - b.report!.warnings.length || a.index - b.index)[0];
  return { declarations, candidates, best };
}
