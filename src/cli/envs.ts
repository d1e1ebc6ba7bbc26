import type { Command } from 'commander';
import { make, specs } from '../core/registry.js';
import type { SpaceJSON } from '../core/spaces.js';
import { registerAll } from '../../envs/index.js';
import { UsageError } from './usage.js';

/** One row of `rxgym envs`. */
export interface EnvRow {
  id: string;
  family?: string;
  maxEpisodeSteps?: number;
  rewardThreshold?: number;
  observationSpace?: SpaceJSON;
  actionSpace?: SpaceJSON;
  renderModes?: string[];
  /** Set when the env could not be built with its default kwargs (some ids need kwargs, e.g. a level). */
  error?: string;
}

/** Build every registered env (optionally of one family) once to read its spaces. */
export function envRows(family?: string): EnvRow[] {
  registerAll();
  const families = [...new Set(specs().map((s) => s.family ?? '-'))].sort();
  if (family !== undefined && !families.includes(family)) {
    throw new UsageError(`--family: unknown family "${family}" (known: ${families.join(', ')})`);
  }
  return specs()
    .filter((s) => family === undefined || s.family === family)
    .map((s) => {
      const row: EnvRow = {
        id: s.id,
        family: s.family,
        maxEpisodeSteps: s.maxEpisodeSteps,
        rewardThreshold: s.rewardThreshold,
      };
      try {
        const env = make(s.id, {}, { disableEnvChecker: true });
        row.observationSpace = env.observationSpace.toJSON();
        row.actionSpace = env.actionSpace.toJSON();
        row.renderModes = [...env.metadata.renderModes];
        env.close();
      } catch (e) {
        row.error = e instanceof Error ? e.message : String(e);
      }
      return row;
    });
}

/** A one-line summary of a space, e.g. Box(4,) float32, Discrete(2), Dict{glyphs: Box(21,79) int16, ...}. */
export function spaceSummary(s: SpaceJSON | undefined): string {
  if (!s) return '?';
  switch (s.type) {
    case 'Discrete':
      return s.start ? `Discrete(${s.n}, start=${s.start})` : `Discrete(${s.n})`;
    case 'Box': {
      const lo = new Set(s.low),
        hi = new Set(s.high);
      const bounds = lo.size === 1 && hi.size === 1 ? ` [${s.low[0]}, ${s.high[0]}]` : '';
      return `Box(${s.shape.join(',')}${s.shape.length === 1 ? ',' : ''}) ${s.dtype}${bounds}`;
    }
    case 'MultiDiscrete':
      return `MultiDiscrete([${s.nvec.join(', ')}])`;
    case 'MultiBinary':
      return `MultiBinary(${s.shape.join(',')})`;
    case 'Text':
      return `Text(${s.minLength}..${s.maxLength})`;
    case 'Dict':
      return `Dict{${Object.entries(s.spaces)
        .map(([k, v]) => `${k}: ${spaceSummary(v)}`)
        .join(', ')}}`;
    case 'Tuple':
      return `Tuple(${s.spaces.map(spaceSummary).join(', ')})`;
  }
}

const guarded = new WeakSet<NodeJS.WriteStream>();

/**
 * Exit quietly (code 0) when whoever reads `stream` stops reading (`rxgym envs --json | head`): Node reports that as
 * an EPIPE error event, which unhandled prints a stack. Other stream errors stay errors.
 */
export function exitQuietlyOnEpipe(stream: NodeJS.WriteStream = process.stdout): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

/** `rxgym envs [--json] [--family f]`: registered ids with spaces and limits. */
export function registerEnvsCommand(program: Command): void {
  program
    .command('envs')
    .description('list the registered env ids with their spaces, episode limits and reward thresholds')
    .option('--json', 'print JSON (full space descriptions)')
    .option('--family <name>', 'only this family, e.g. classic')
    .action((opts: { json?: boolean; family?: string }) => {
      exitQuietlyOnEpipe();
      const rows = envRows(opts.family);
      if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else {
        for (const r of rows) {
          const limits = [
            r.maxEpisodeSteps !== undefined ? `limit ${r.maxEpisodeSteps}` : 'no limit',
            r.rewardThreshold !== undefined ? `threshold ${r.rewardThreshold}` : '',
          ]
            .filter(Boolean)
            .join(', ');
          process.stdout.write(`${r.id}  [${r.family ?? '-'}]  ${limits}\n`);
          // Not a failure of the listing: some ids need kwargs (e.g. a level text) to be built.
          if (r.error) process.stdout.write(`    cannot build with default kwargs: ${r.error}\n`);
          else
            process.stdout.write(
              `    obs ${spaceSummary(r.observationSpace)}\n    act ${spaceSummary(r.actionSpace)}\n`,
            );
        }
        process.stdout.write(`${rows.length} env${rows.length === 1 ? '' : 's'}\n`);
      }
    });
}
