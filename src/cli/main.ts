#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { RxgymError } from '../core/env.js';
import { UsageError } from './usage.js';

type Register = (program: Command) => void;

/**
 * Each subcommand's module, loaded on demand: `rxgym envs` need not load TensorFlow.js, MuJoCo and the trainers
 * (about 0.7 s instead of 2.7 s to start). Listed in help order.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  info: async () => (await import('./info.js')).registerInfoCommand,
  envs: async () => (await import('./envs.js')).registerEnvsCommand,
  check: async () => (await import('./check.js')).registerCheckCommand,
  mjcf: async () => (await import('./mjcf.js')).registerMjcfCommand,
  watch: async () => (await import('./watch.js')).registerWatchCommand,
  bench: async () => (await import('./bench.js')).registerBenchCommand,
  reward: async () => (await import('./reward.js')).registerRewardCommand,
  run: async () => (await import('./run.js')).registerRunCommand,
  plot: async () => (await import('./plot.js')).registerPlotCommand,
  worker: async () => (await import('./worker.js')).registerWorkerCommand,
  annotator: async () => (await import('./annotator.js')).registerAnnotatorCommand,
  vlm: async () => (await import('./vlm.js')).registerVlmCommand,
};

const program = new Command();
program
  .name('rxgym')
  .description(
    'Reinforcement learning for sparse rewards: environments, agents and learned/generated rewards on one stream.',
  )
  .version('0.1.0')
  .exitOverride()
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

// The command being run, so that a UsageError it throws is followed by its own usage.
let active: Command = program;
program.hook('preAction', (_program, command) => {
  active = command;
});

/**
 * Register the command named first on the command line, or every command (help, a version flag, an unknown or
 * misspelt name: commander then lists them or suggests the closest).
 */
async function registerCommands(): Promise<void> {
  const name = process.argv[2];
  const one = name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
  for (const register of await Promise.all(one.map((n) => COMMANDS[n]!()))) register(program);
}

async function main(): Promise<void> {
  try {
    await registerCommands();
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        process.exit(0);
      process.exit(2);
    }
    if (err instanceof UsageError) {
      process.stderr.write(`rxgym: ${err.message}\n`);
      active.outputHelp({ error: true });
      process.exit(2);
    }
    // Errors print as one clean line; RXGYM_DEBUG=1 adds the stack for bug reports.
    const debug = process.env.RXGYM_DEBUG === '1';
    const msg = err instanceof Error ? err.message : String(err);
    const hint = err instanceof RxgymError || debug ? '' : ' (set RXGYM_DEBUG=1 to see the stack)';
    process.stderr.write(`rxgym: ${msg}${hint}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  }
}

void main();
