#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { RxgymError } from '../core/env.js';
import { UsageError } from './usage.js';
import { registerInfoCommand } from './info.js';
import { registerEnvsCommand } from './envs.js';
import { registerCheckCommand } from './check.js';
import { registerWatchCommand } from './watch.js';
import { registerBenchCommand } from './bench.js';
import { registerMjcfCommand } from './mjcf.js';
import { registerRunCommand } from './run.js';
import { registerRewardCommand } from './reward.js';
import { registerPlotCommand } from './plot.js';
import { registerWorkerCommand } from './worker.js';
import { registerAnnotatorCommand } from './annotator.js';
import { registerVlmCommand } from './vlm.js';

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

// Subcommands register themselves here, one module each.
registerInfoCommand(program);
registerEnvsCommand(program);
registerCheckCommand(program);
registerMjcfCommand(program);
registerWatchCommand(program);
registerBenchCommand(program);
registerRewardCommand(program);
registerRunCommand(program);
registerPlotCommand(program);
registerWorkerCommand(program);
registerAnnotatorCommand(program);
registerVlmCommand(program);

async function main(): Promise<void> {
  try {
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
