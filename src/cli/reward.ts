import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { RxgymError, type Env } from '../core/env.js';
import { make, spec } from '../core/registry.js';
import { createLlmClient } from '../llm/client.js';
import type { LlmClient, LlmOptions } from '../llm/types.js';
import { registerAll } from '../../envs/index.js';
import { checkRewardCode, formatCheckReport, type CheckReport } from '../../rewards/code/check.js';
import { rewardDeclarations, taskDescriptionOf } from '../../rewards/code/declarations.js';
import { describeOutcomes, generateRewards, type GenerateResult } from '../../rewards/code/generate.js';
import { refineRewards, type RefineResult } from '../../rewards/code/refine.js';
import { startRunTrainer, type TrainFn } from '../train/code-trainer.js';
import { writeFileAtomic } from '../core/atomic.js';
import { cliRegistry } from './registry.js';
import { UsageError, asUsage } from './usage.js';
import { loadScenario } from '../train/scenario.js';

/** An env id typed on the command line: unknown, it is a usage error (exit 2) naming the closest ids. */
function checkEnvId(id: string): void {
  registerAll();
  asUsage(() => spec(id));
}

function withEnv<T>(id: string, fn: (env: Env<unknown, unknown>) => T): T {
  checkEnvId(id);
  const env = make(id);
  try {
    return fn(env);
  } finally {
    env.close();
  }
}

function readModule(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `cannot read reward module "${file}" (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

function intOption(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be an integer >= ${min}, got "${raw}"`);
  return v;
}

/** `rxgym reward types <id>`: the declarations reward code for `id` is written against. */
export function rewardTypes(id: string): string {
  return withEnv(id, (env) => rewardDeclarations(id, env));
}

/** `rxgym reward check`: the report, its text and the exit code (0 fit, 1 unfit). */
export function rewardCheck(
  file: string,
  opts: { env: string; steps?: string; fuzz?: string; seed?: string },
): { report: CheckReport; text: string; exitCode: number } {
  if (!opts.env) throw new UsageError('reward check needs --env <id>: the env whose transitions the code is run on');
  const source = readModule(file);
  const report = withEnv(opts.env, (env) =>
    checkRewardCode(source, env, opts.env, {
      filename: file,
      steps: intOption('steps', opts.steps, 512, 1),
      fuzz: intOption('fuzz', opts.fuzz, 256, 0),
      seed: intOption('seed', opts.seed, 0, 0),
    }),
  );
  return { report, text: formatCheckReport(report), exitCode: report.fit ? 0 : 1 };
}

/** The task in words: `--task`, else the env's own describeTask(); a clear error when neither exists. */
function taskOf(flags: { env: string; task?: string }): string {
  if (flags.task?.trim()) return flags.task.trim();
  const described = withEnv(flags.env, (env) => taskDescriptionOf(env));
  if (described) return described;
  throw new UsageError(
    `--task "<what the agent should do>" is needed: env "${flags.env}" has no describeTask() of its own`,
  );
}

/** LLM flags shared by `generate` and `refine`. */
export interface LlmFlags {
  llmUrl?: string;
  llmModel?: string;
  llmKey?: string;
  llmCache?: string;
  llmTimeout?: string;
  llmRetries?: string;
}

/** Settings of `generate` and `refine` that are not flags. */
export interface RewardCommandOptions {
  /** While requests are out, a "still waiting" line this often, in ms (default 10000). */
  progressEveryMs?: number;
}

/** The client of the LLM flags (falling back to OPENAI_BASE_URL etc.); a clear error when no server is configured. */
export function clientFromFlags(flags: LlmFlags): LlmClient {
  const opts: LlmOptions = {
    baseUrl: flags.llmUrl,
    model: flags.llmModel,
    apiKey: flags.llmKey,
    cacheDir: flags.llmCache,
  };
  if (flags.llmTimeout !== undefined) opts.timeoutMs = intOption('llm-timeout', flags.llmTimeout, 60_000, 1);
  if (flags.llmRetries !== undefined) opts.maxRetries = intOption('llm-retries', flags.llmRetries, 4, 0);
  return createLlmClient(opts);
}

/** Options of `rxgym reward generate`. */
export interface GenerateFlags extends LlmFlags {
  env: string;
  task?: string;
  out: string;
  samples?: string;
  repairRounds?: string;
  temperature?: string;
  seed?: string;
  runDir?: string;
}

/**
 * `rxgym reward generate`: write the best fit candidate to `out`, and every candidate with its conversation next to it.
 */
export async function rewardGenerate(
  flags: GenerateFlags,
  log: (line: string) => void = () => undefined,
  more: RewardCommandOptions = {},
): Promise<GenerateResult> {
  if (!flags.env) throw new UsageError('reward generate needs --env <id>');
  if (!flags.out) throw new UsageError('reward generate needs --out <file.ts> for the chosen reward module');
  checkEnvId(flags.env);
  const task = taskOf(flags);
  const llm = clientFromFlags(flags);
  const temperature = flags.temperature === undefined ? undefined : Number(flags.temperature);
  if (temperature !== undefined && !(temperature >= 0 && temperature <= 2))
    throw new UsageError(`--temperature must be in [0, 2], got "${flags.temperature}"`);
  registerAll();
  const env = make(flags.env);
  let result: GenerateResult;
  try {
    result = await generateRewards({
      envId: flags.env,
      env,
      task,
      llm,
      temperature,
      samples: intOption('samples', flags.samples, 4, 1),
      repairRounds: intOption('repair-rounds', flags.repairRounds, 2, 0),
      seed: intOption('seed', flags.seed, 0, 0),
      log,
      progressEveryMs: more.progressEveryMs,
    });
  } finally {
    env.close();
    llm.close();
  }
  const dir = flags.runDir ?? flags.out.replace(/\.[jt]s$/, '') + '.candidates';
  for (const c of result.candidates) {
    if (c.code) writeFileAtomic(join(dir, `candidate-${c.index}.ts`), c.code, { makeDir: true });
    const record = {
      index: c.index,
      fit: c.fit,
      outcome: c.outcome,
      repairs: c.repairs,
      problem: c.problem,
      report: c.report,
      conversation: c.conversation,
    };
    writeFileAtomic(join(dir, `candidate-${c.index}.json`), JSON.stringify(record, null, 2), { makeDir: true });
  }
  writeFileAtomic(
    join(dir, 'summary.json'),
    JSON.stringify(
      {
        env: flags.env,
        task,
        model: llm.model,
        best: result.best?.index ?? null,
        candidates: result.candidates.map((c) => ({
          index: c.index,
          fit: c.fit,
          outcome: c.outcome,
          repairs: c.repairs,
          warnings: c.report?.warnings ?? [],
          problem: c.problem,
        })),
        llm: llm.stats(),
      },
      null,
      2,
    ),
    { makeDir: true },
  );
  if (!result.best) {
    throw new RxgymError(
      `no fit reward among ${result.candidates.length} candidate(s) after repairs: ` +
        `${describeOutcomes(result.candidates, result.llm)}; ` +
        `see ${dir}/ for each candidate's code, check report and conversation`,
    );
  }
  writeFileAtomic(
    flags.out,
    `// Generated by rxgym reward generate for ${flags.env}: ${task.replace(/\n/g, ' ')}\n// model ${llm.model}, ` +
      `candidate ${result.best.index} of ${result.candidates.length}\n${result.best.code}`,
    { makeDir: true },
  );
  log(`wrote ${flags.out} (candidate ${result.best.index}); all candidates in ${dir}/`);
  return result;
}

/** Options of `rxgym reward refine`. */
export interface RefineFlags extends LlmFlags {
  env: string;
  task?: string;
  runDir?: string;
  iterations?: string;
  samples?: string;
  repairRounds?: string;
  trainSteps?: string;
  temperature?: string;
  seed?: string;
  scenario?: string;
}

/**
 * The base scenario of refinement: env settings, agent and evaluation of a scenario file (its rewards and budget are
 * replaced).
 */
function baseScenario(file: string | undefined, envId: string): Record<string, unknown> {
  if (!file) return {};
  const s = loadScenario(file, cliRegistry());
  if (s.env.id !== envId) throw new UsageError(`--scenario ${file} is for env "${s.env.id}", but --env is "${envId}"`);
  return { env: s.env, agent: { type: s.agent.type, ...s.agent.params }, eval: s.eval };
}

/**
 * `rxgym reward refine`: the Eureka loop; every candidate, its code, training run, statistics and the conversation go
 * to the run directory.
 */
export async function rewardRefine(
  flags: RefineFlags,
  log: (line: string) => void = () => undefined,
  train?: TrainFn,
  more: RewardCommandOptions = {},
): Promise<RefineResult> {
  if (!flags.env) throw new UsageError('reward refine needs --env <id>');
  checkEnvId(flags.env);
  const task = taskOf(flags);
  const llm = clientFromFlags(flags);
  const registry = cliRegistry();
  const trainer = train ?? startRunTrainer(baseScenario(flags.scenario, flags.env), registry);
  const runDir = flags.runDir ?? join('runs', `refine-${flags.env}-${Date.now().toString(36)}`);
  const env = make(flags.env);
  try {
    const res = await refineRewards({
      envId: flags.env,
      env,
      task,
      llm,
      train: trainer,
      runDir,
      iterations: intOption('iterations', flags.iterations, 3, 1),
      samples: intOption('samples', flags.samples, 4, 1),
      repairRounds: intOption('repair-rounds', flags.repairRounds, 2, 0),
      trainSteps: intOption('train-steps', flags.trainSteps, 20_000, 1),
      seed: intOption('seed', flags.seed, 0, 0),
      temperature: flags.temperature === undefined ? undefined : Number(flags.temperature),
      log,
      progressEveryMs: more.progressEveryMs,
    });
    if (!res.best) {
      const trainErrors = res.candidates.filter((c) => c.fit && c.feedback?.error).length;
      const training = trainErrors ? `, ${trainErrors} fit one(s) stopped training with an error` : '';
      throw new RxgymError(
        `no candidate could be trained in ${res.candidates.length} attempt(s): ` +
          `${describeOutcomes(res.candidates, res.llm)}${training}; ` +
          `see ${runDir}/refine.json and each candidate's conversation.json`,
      );
    }
    log(
      `best: iteration ${res.best.iteration}, candidate ${res.best.index}, success rate ` +
        `${res.best.feedback!.successRate}; written to ${res.bestFile}`,
    );
    return res;
  } finally {
    env.close();
    llm.close();
  }
}

function llmFlags(cmd: Command): Command {
  return cmd
    .option('--llm-url <url>', 'OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1 (default OPENAI_BASE_URL)')
    .option('--llm-model <name>', 'model name (default RXGYM_LLM_MODEL or gpt-4o-mini)')
    .option('--llm-key <key>', 'API key (default OPENAI_API_KEY)')
    .option(
      '--llm-cache <dir>',
      "answer cache directory, 'off' to disable (default RXGYM_LLM_CACHE or ~/.cache/rxgym/llm)",
    )
    .option('--llm-timeout <ms>', 'time limit of one request')
    .option('--llm-retries <n>', 'retries of a failed request (default 4)');
}

/** `rxgym reward types|check|generate|refine`. */
export function registerRewardCommand(program: Command): void {
  const reward = program
    .command('reward')
    .description(
      'LLM-written reward code: declarations, sandbox check, generation (Text2Reward) and refinement (Eureka)',
    );
  reward
    .command('types')
    .description(
      'print the declarations reward code is written against (describeState(), Action, StepInfo, the signature)',
    )
    .argument('<id>', 'env id, e.g. Dungeon-KeyRoom-S5-v0')
    .action((id: string) => {
      process.stdout.write(rewardTypes(id));
    });
  reward
    .command('check')
    .description('compile a reward module and run it on real and fuzzed transitions; exit 0 when fit, 1 when not')
    .argument('<file>', 'reward module (.ts or .js)')
    .requiredOption('--env <id>', 'env whose transitions to use')
    .option('--steps <n>', 'real transitions from a random policy', '512')
    .option('--fuzz <n>', 'fuzzed transitions', '256')
    .option('--seed <n>', 'seed of the policy and the fuzzing', '0')
    .option('--json', 'print the report as JSON')
    .action((file: string, opts: { env: string; steps?: string; fuzz?: string; seed?: string; json?: boolean }) => {
      const { report, text, exitCode } = rewardCheck(file, opts);
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${text}\n`);
      process.exitCode = exitCode;
    });
  llmFlags(
    reward
      .command('generate')
      .description(
        'ask an LLM for K reward modules from the env description and a task; check and repair them; write the best',
      )
      .requiredOption('--env <id>', 'env id')
      .option('--task <words>', "what the agent should do (default: the env's describeTask(), where it has one)")
      .requiredOption('--out <file>', 'where to write the chosen module')
      .option('--samples <k>', 'candidates to sample', '4')
      .option('--repair-rounds <n>', 'repair rounds per failed candidate', '2')
      .option('--temperature <t>', 'sampling temperature', '0.8')
      .option('--seed <n>', 'seed of the check transitions', '0')
      .option('--run-dir <dir>', 'where to write every candidate and conversation (default <out>.candidates/)'),
  ).action(async (flags: GenerateFlags) => {
    await rewardGenerate(flags, (line) => process.stderr.write(`${line}\n`));
  });
  llmFlags(
    reward
      .command('refine')
      .description(
        'the Eureka loop: sample reward modules, train each briefly, reflect component statistics and success back, ' +
          'keep the best',
      )
      .requiredOption('--env <id>', 'env id')
      .option('--task <words>', "what the agent should do (default: the env's describeTask(), where it has one)")
      .option('--iterations <n>', 'rounds of sample -> train -> reflect', '3')
      .option('--samples <k>', 'candidates per round', '4')
      .option('--train-steps <n>', 'training steps per candidate', '20000')
      .option('--repair-rounds <n>', 'repair rounds per failed candidate', '2')
      .option('--temperature <t>', 'sampling temperature', '0.8')
      .option('--seed <n>', 'training and check seed', '0')
      .option('--scenario <file>', 'base scenario (env settings, agent, eval) for the training runs')
      .option('--run-dir <dir>', 'where everything is written (default runs/refine-<env>-<time>)'),
  ).action(async (flags: RefineFlags) => {
    await rewardRefine(flags, (line) => process.stderr.write(`${line}\n`));
  });
}
