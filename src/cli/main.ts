#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { RxgymError } from '../core/env.js';
import { registerWatchCommand } from './watch.js';
import { registerBenchCommand } from './bench.js';
import { registerMjcfCommand } from './mjcf.js';
import { registerRunCommand } from './run.js';
import { registerRewardCommand } from './reward.js';

const program = new Command();
program
  .name('rxgym')
  .description('Reinforcement learning for sparse rewards: environments, agents and learned/generated rewards on one stream.')
  .version('0.1.0')
  .exitOverride()
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

// Subcommands register themselves here, one module each.
registerMjcfCommand(program);
registerWatchCommand(program);
registerBenchCommand(program);
registerRewardCommand(program);
registerRunCommand(program);

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exit(0);
      process.exit(2);
    }
    if (err instanceof RxgymError || (err instanceof Error && process.env.RXGYM_DEBUG !== '1')) {
      process.stderr.write(`rxgym: ${(err as Error).message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

void main();
