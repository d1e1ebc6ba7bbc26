import { join, resolve } from 'node:path';
import type { Env } from '../../src/core/env.js';
import type { ChatMessage, LlmClient } from '../../src/llm/types.js';
import { rewardDeclarations } from './declarations.js';
import { generateRewards, type Candidate, type CandidateOutcome, type LlmFailures } from './generate.js';
import { initialMessages, reflectionMessage, type TrainFeedback } from './prompt.js';
import type { TrainFn } from './train-fn.js';
import { writeFileAtomic } from '../../src/core/atomic.js';

/** Options of the Eureka loop. */
export interface RefineOptions {
  envId: string;
  env: Env<unknown, unknown>;
  task: string;
  llm: LlmClient;
  train: TrainFn;
  runDir: string;
  /** Rounds of sample -> train -> reflect (default 3). */
  iterations?: number;
  /** Candidates per round (default 4). */
  samples?: number;
  repairRounds?: number;
  /** Training steps per candidate (default 20000). */
  trainSteps?: number;
  seed?: number;
  temperature?: number;
  log?: (line: string) => void;
  /** While requests are out, a "still waiting" line this often, in ms (default 10000; 0: never). */
  progressEveryMs?: number;
}

/** One trained (or failed) candidate of one iteration. */
export interface RefineCandidate {
  iteration: number;
  index: number;
  dir: string;
  fit: boolean;
  outcome: CandidateOutcome;
  problem?: string;
  feedback?: TrainFeedback & { error?: string };
}

/** The loop's outcome; everything is also in `runDir/refine.json`. */
export interface RefineResult {
  candidates: RefineCandidate[];
  /** Failed LLM attempts over every iteration. */
  llm: LlmFailures;
  best?: RefineCandidate & { code: string };
  bestFile?: string;
}

/** Eureka's ranking: success rate first, then the env's own return. */
function better(a: TrainFeedback | undefined, b: TrainFeedback | undefined): boolean {
  if (!a) return false;
  if (!b) return true;
  if (a.successRate !== b.successRate) return a.successRate > b.successRate;
  return (a.meanReturn ?? -Infinity) > (b.meanReturn ?? -Infinity);
}

/**
 * The Eureka loop: sample K reward modules, check/repair them, train each for a short budget, reflect the best one's
 * per-component statistics and success rate back to the LLM, repeat; keep the best over all iterations. Every
 * candidate's code, check report, training run, feedback and the conversation are written under `runDir`.
 */
export async function refineRewards(opts: RefineOptions): Promise<RefineResult> {
  const log = opts.log ?? (() => undefined);
  const runDir = resolve(opts.runDir);
  const iterations = opts.iterations ?? 3;
  const steps = opts.trainSteps ?? 20_000;
  const seed = opts.seed ?? 0;
  const declarations = rewardDeclarations(opts.envId, opts.env);
  const initial = initialMessages(declarations, opts.task);
  let messages: ChatMessage[] = initial;
  const all: RefineCandidate[] = [];
  let best: (RefineCandidate & { code: string }) | undefined;
  const llm: LlmFailures = { errors: { unreachable: 0, http: 0, timeout: 0, badAnswer: 0 }, statuses: {} };
  const save = (): void =>
    writeFileAtomic(
      join(runDir, 'refine.json'),
      JSON.stringify(
        {
          env: opts.envId,
          task: opts.task,
          model: opts.llm.model,
          iterations,
          samples: opts.samples ?? 4,
          trainSteps: steps,
          best: best ? { iteration: best.iteration, index: best.index, dir: best.dir, feedback: best.feedback } : null,
          candidates: all,
          llm: opts.llm.stats(),
        },
        null,
        2,
      ),
      { makeDir: true },
    );

  for (let it = 0; it < iterations; it++) {
    log(`iteration ${it + 1}/${iterations}`);
    const gen = await generateRewards({
      envId: opts.envId,
      env: opts.env,
      task: opts.task,
      llm: opts.llm,
      messages,
      samples: opts.samples,
      repairRounds: opts.repairRounds,
      temperature: opts.temperature,
      seed,
      log,
      progressEveryMs: opts.progressEveryMs,
    });
    addFailures(llm, gen.llm);
    let iterBest: { cand: Candidate; rec: RefineCandidate } | undefined;
    for (const cand of gen.candidates) {
      const dir = join(runDir, `iter-${it}`, `candidate-${cand.index}`);
      const rec: RefineCandidate = {
        iteration: it,
        index: cand.index,
        dir,
        fit: cand.fit,
        outcome: cand.outcome,
        problem: cand.problem,
      };
      writeFileAtomic(join(dir, 'conversation.json'), JSON.stringify(cand.conversation, null, 2), { makeDir: true });
      if (cand.report)
        writeFileAtomic(join(dir, 'check.json'), JSON.stringify(cand.report, null, 2), { makeDir: true });
      if (cand.code) writeFileAtomic(join(dir, 'reward.ts'), cand.code, { makeDir: true });
      if (cand.fit && cand.code) {
        log(`iteration ${it + 1}: training candidate ${cand.index} for ${steps} steps`);
        rec.feedback = await opts.train({
          file: join(dir, 'reward.ts'),
          dir: join(dir, 'run'),
          envId: opts.envId,
          steps,
          seed,
        });
        writeFileAtomic(join(dir, 'feedback.json'), JSON.stringify(rec.feedback, null, 2), { makeDir: true });
        log(
          `iteration ${it + 1}: candidate ${cand.index} success rate ` +
            `${rec.feedback.successRate.toFixed(3)}${rec.feedback.error ? ` (${rec.feedback.error})` : ''}`,
        );
        if (!rec.feedback.error && better(rec.feedback, iterBest?.rec.feedback)) iterBest = { cand, rec };
      }
      all.push(rec);
      save();
    }
    if (!iterBest) {
      // Eureka repeats the round when every sample failed; the conversation stays as it was.
      log(`iteration ${it + 1}: no candidate trained; asking again`);
      continue;
    }
    if (!best || better(iterBest.rec.feedback, best.feedback)) best = { ...iterBest.rec, code: iterBest.cand.code! };
    const answer = [...iterBest.cand.conversation].reverse().find((m) => m.role === 'assistant')!;
    // Eureka keeps four messages: system, the task, the best answer of this round, and its reflection.
    messages = [...initial, answer, reflectionMessage(iterBest.rec.feedback!)];
    writeFileAtomic(join(runDir, `iter-${it}`, 'next-prompt.json'), JSON.stringify(messages, null, 2), {
      makeDir: true,
    });
    save();
  }
  save();
  if (!best) return { candidates: all, llm };
  const bestFile = join(runDir, 'best-reward.ts');
  writeFileAtomic(
    bestFile,
    `// Best of rxgym reward refine on ${opts.envId} (iteration ${best.iteration}, candidate ${best.index}, success ` +
      `rate ${best.feedback!.successRate})\n${best.code}`,
    { makeDir: true },
  );
  return { candidates: all, best, bestFile, llm };
}

/** Add one generation's LLM failures to the running total. */
function addFailures(total: LlmFailures, more: LlmFailures): void {
  for (const k of ['unreachable', 'http', 'timeout', 'badAnswer'] as const) total.errors[k] += more.errors[k];
  for (const [s, n] of Object.entries(more.statuses)) total.statuses[s] = (total.statuses[s] ?? 0) + n;
  if (more.lastError) total.lastError = more.lastError;
}
