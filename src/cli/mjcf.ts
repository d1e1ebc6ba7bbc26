import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { make, spec } from '../core/registry.js';
import { unwrap } from '../core/wrapper.js';
import { registerAll } from '../../envs/index.js';
import { UsageError, asUsage } from './usage.js';

/** The MJCF text of a MuJoCo env id (the env is built, read and closed). */
export function mjcfOf(id: string): string {
  registerAll();
  asUsage(() => spec(id));
  const env = make(id, {}, { disableEnvChecker: true });
  try {
    const inner = unwrap(env) as unknown as { mjcf?: unknown };
    if (typeof inner.mjcf !== 'string') {
      throw new UsageError(`env "${id}" is not a MuJoCo env; \`rxgym mjcf\` takes a MuJoCo id such as "Ant-v0"`);
    }
    return inner.mjcf;
  } finally {
    env.close();
  }
}

/**
 * The model without what MuJoCo 2.2 (Debian's native `mujoco-testspeed`) rejects: `<size memory>` only sizes the arena,
 * dynamics are unchanged.
 */
export function mujoco2Compatible(xml: string): string {
  return xml.replace(/\s*<size\s+memory="[^"]*"\s*\/>/g, '');
}

/** Write `--out`; a path that cannot be written (a directory, a missing folder) is a usage error naming it. */
function writeOut(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    const why = code === 'EISDIR' ? 'it is a directory' : code === 'ENOENT' ? 'its directory does not exist' : code;
    throw new UsageError(`--out: cannot write "${path}" (${why}); give a file path in an existing directory`);
  }
}

/** `rxgym mjcf <id> [--out file]`: write an env's MuJoCo model (e.g. for native `mujoco-testspeed`). */
export function registerMjcfCommand(program: Command): void {
  program
    .command('mjcf')
    .description("write a MuJoCo env's MJCF model to stdout or a file (e.g. for native mujoco-testspeed)")
    .argument('<id>', 'env id, e.g. Ant-v0')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option(
      '--mujoco2',
      'drop <size memory> so that MuJoCo 2.2 (Debian libmujoco-samples) loads the file; dynamics are unchanged',
    )
    .action((id: string, opts: { out?: string; mujoco2?: boolean }) => {
      const xml = opts.mujoco2 ? mujoco2Compatible(mjcfOf(id)) : mjcfOf(id);
      if (opts.out) writeOut(opts.out, xml);
      else process.stdout.write(xml);
    });
}
