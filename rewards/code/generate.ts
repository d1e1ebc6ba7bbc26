import type { Env } from '../../src/core/env.js';
import { describeFailures, errorsSince } from '../../src/llm/report.js';
import type { ChatMessage, ChatOptions, LlmClient, LlmErrorCounts, RetryInfo } from '../../src/llm/types.js';
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
  /** While requests are out, a "still waiting" line this often, in ms (default 10000; 0: never). */
  progressEveryMs?: number;
}

/**
 * How a candidate ended: fit; `llm-error` (no answer from the server after the client's retries); `no-code` (an
 * answer without a code block); `unfit` (code that failed the sandbox check after its repair rounds).
 */
export type CandidateOutcome = 'fit' | 'llm-error' | 'no-code' | 'unfit';

/** One candidate after its repair rounds. */
export interface Candidate {
  index: number;
  /** Repair rounds used (0: the first answer passed or was the last try). */
  repairs: number;
  code?: string;
  report?: CheckReport;
  fit: boolean;
  outcome: CandidateOutcome;
  /** Why the last version failed, when it did. */
  problem?: string;
  /** The whole conversation of this candidate, answers included. */
  conversation: ChatMessage[];
}

/** Failed LLM attempts during one generation, by kind and HTTP status, and the latest error message. */
export interface LlmFailures {
  errors: LlmErrorCounts;
  statuses: Record<string, number>;
  lastError?: string;
}

/** Generation's outcome: every candidate and the declarations they were written against. */
export interface GenerateResult {
  declarations: string;
  candidates: Candidate[];
  /** The fit candidate with the fewest warnings (the first such), if any. */
  best?: Candidate;
  /** What went wrong talking to the server during this generation (retried or not). */
  llm: LlmFailures;
}

function check(
  code: string | undefined,
  opts: GenerateOptions,
  transitions: CollectedTransitions,
  index: number,
): CheckReport | undefined {
  if (code === undefined) return undefined;
  return checkRewardCode(code, opts.env, opts.envId, {
    filename: `candidate-${index}.ts`,
    transitions,
    fuzz: 128,
    seed: opts.seed ?? 0,
  });
}

const firstLine = (text: string): string => text.split('\n')[0]!;

/** The client's failure counters since `before`, with their statuses. */
function failuresSince(llm: LlmClient, before: ReturnType<LlmClient['stats']>): LlmFailures {
  const now = llm.stats();
  const statuses: Record<string, number> = {};
  for (const [s, k] of Object.entries(now.statuses)) {
    const d = k - (before.statuses[s] ?? 0);
    if (d > 0) statuses[s] = d;
  }
  const failed = now.failures > before.failures;
  const lastError = failed && now.lastError ? { lastError: now.lastError } : {};
  return { errors: errorsSince(before.errors, now.errors), statuses, ...lastError };
}

/**
 * Progress while requests are out: one line per retry, and a "still waiting" line every `everyMs` while a request has
 * not come back (a hanging server would otherwise print nothing until its time-out).
 */
function progress(opts: GenerateOptions, log: (line: string) => void): { chat: ChatOptions; stop: () => void } {
  const started = Date.now();
  const everyMs = opts.progressEveryMs ?? 10_000;
  const timer =
    everyMs > 0
      ? setInterval(() => {
          const st = opts.llm.stats();
          if (st.inFlight === 0 && st.queued === 0) return;
          const secs = Math.round((Date.now() - started) / 1000);
          log(
            `still waiting for ${opts.llm.model} at ${opts.llm.baseUrl} ` +
              `(${secs} s; ${st.inFlight} request(s) in flight, ${st.retries} retries so far)`,
          );
        }, everyMs)
      : undefined;
  timer?.unref();
  const onRetry = (r: RetryInfo): void => {
    const secs = (r.delayMs / 1000).toFixed(1);
    log(`LLM attempt ${r.attempt} failed: ${firstLine(r.error.message)}; retrying in ${secs} s`);
  };
  return { chat: { onRetry }, stop: () => clearInterval(timer) };
}

/**
 * Sample K reward modules, check each in the sandbox on real transitions, and repair failures with the error fed back.
 */
export async function generateRewards(opts: GenerateOptions): Promise<GenerateResult> {
  const log = opts.log ?? (() => undefined);
  const k = opts.samples ?? 4;
  const rounds = opts.repairRounds ?? 2;
  const temperature = opts.temperature ?? 0.8;
  const declarations = rewardDeclarations(opts.envId, opts.env);
  const base = opts.messages ?? initialMessages(declarations, opts.task);
  const transitions = collectTransitions(opts.env, opts.envId, { steps: opts.checkSteps ?? 256, seed: opts.seed ?? 0 });
  const before = opts.llm.stats();
  const watch = progress(opts, log);
  try {
    log(`asking ${opts.llm.model} at ${opts.llm.baseUrl} for ${k} candidate(s)`);
    const answers: Answer[] = [];
    try {
      const first = await opts.llm.chat(base, { ...watch.chat, n: k, temperature });
      if (opts.llm.stats().ignoresN && !before.ignoresN) {
        log(`the server answered one choice for n=${k}: asked for each candidate separately`);
      }
      for (const text of first.texts.slice(0, k)) answers.push({ text });
      for (const e of first.errors ?? []) answers.push({ error: e.message });
    } catch (e) {
      log(`no answer from ${opts.llm.model}: ${firstLine((e as Error).message)}`);
      for (let i = 0; i < k; i++) answers.push({ error: (e as Error).message });
    }
    const run = (a: Answer, index: number): Promise<Candidate> =>
      candidate(a, index, base, opts, transitions, rounds, watch.chat, log);
    const candidates = await Promise.all(answers.map(run));
    const fit = candidates.filter((c) => c.fit);
    const best = fit.sort((a, b) => a.report!.warnings.length - b.report!.warnings.length || a.index - b.index)[0];
    return { declarations, candidates, best, llm: failuresSince(opts.llm, before) };
  } finally {
    watch.stop();
  }
}

/** A candidate's first answer, or why there is none. */
interface Answer {
  text?: string;
  error?: string;
}

/** One candidate: its first answer, then repair rounds while its check fails. */
async function candidate(
  first: Answer,
  index: number,
  base: ChatMessage[],
  opts: GenerateOptions,
  transitions: CollectedTransitions,
  rounds: number,
  chat: ChatOptions,
  log: (line: string) => void,
): Promise<Candidate> {
  const conversation: ChatMessage[] = [...base];
  const noAnswer = (error: string | undefined): string => `the LLM gave no answer: ${error}`;
  if (first.text === undefined) {
    return { index, repairs: 0, fit: false, outcome: 'llm-error', problem: noAnswer(first.error), conversation };
  }
  conversation.push({ role: 'assistant', content: first.text });
  let code = extractCode(first.text);
  let report = check(code, opts, transitions, index);
  let repairs = 0;
  while (!(report?.fit ?? false) && repairs < rounds) {
    const problem = describeFailure(report, code === undefined);
    log(`candidate ${index}: ${firstLine(problem)} -> repair round ${repairs + 1}`);
    conversation.push(repairMessage(problem));
    let text: string;
    try {
      const reply = await opts.llm.chat(conversation, { ...chat, n: 1, temperature: opts.temperature ?? 0.8 });
      text = reply.texts[0] ?? '';
    } catch (e) {
      // the repair request failed: the candidate ends here, with its last code and the server's error
      const message = (e as Error).message;
      log(`candidate ${index}: no answer to repair round ${repairs + 1}: ${firstLine(message)}`);
      const problem = noAnswer(message);
      return { index, repairs, code, report, fit: false, outcome: 'llm-error', problem, conversation };
    }
    conversation.push({ role: 'assistant', content: text });
    code = extractCode(text);
    report = check(code, opts, transitions, index);
    repairs++;
  }
  const fit = report?.fit ?? false;
  log(`candidate ${index}: ${fit ? 'fit' : 'unfit'}${repairs ? ` after ${repairs} repair(s)` : ''}`);
  const outcome: CandidateOutcome = fit ? 'fit' : code === undefined ? 'no-code' : 'unfit';
  const problem = fit ? undefined : describeFailure(report, code === undefined);
  return { index, repairs, code, report, fit, outcome, problem, conversation };
}

/**
 * Why no candidate is fit, in one line: how the candidates ended and what the server did, e.g. "3 got no answer from
 * the LLM, 1 answer had no code block; requests: 9 HTTP errors (500 x9); latest: ...".
 */
export function describeOutcomes(
  candidates: readonly Pick<Candidate, 'outcome' | 'problem'>[],
  llm: LlmFailures,
): string {
  const count = (o: CandidateOutcome): number => candidates.filter((c) => c.outcome === o).length;
  const parts: string[] = [];
  const noAnswer = count('llm-error'),
    noCode = count('no-code'),
    unfit = count('unfit');
  if (noAnswer) parts.push(`${noAnswer} got no answer from the LLM`);
  if (noCode) parts.push(`${noCode} answer${noCode === 1 ? '' : 's'} had no code block`);
  if (unfit) {
    const first = candidates.find((c) => c.outcome === 'unfit')?.problem;
    parts.push(`${unfit} failed the sandbox check${first ? ` (first: ${firstLine(first)})` : ''}`);
  }
  const failed = llm.errors.http + llm.errors.timeout + llm.errors.unreachable + llm.errors.badAnswer;
  const requests = failed > 0 ? `; failed requests: ${describeFailures(llm.errors, llm.statuses)}` : '';
  const latest = failed > 0 && llm.lastError ? `; latest: ${firstLine(llm.lastError)}` : '';
  return `${parts.join(', ') || 'no candidate'}${requests}${latest}`;
}
