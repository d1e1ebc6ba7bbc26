import type { Command } from 'commander';
import { checkEnv, type CheckFinding } from '../core/checker/check-env.js';
import { RxgymError } from '../core/env.js';
import { make, spec } from '../core/registry.js';
import { registerAll } from '../../envs/index.js';

/** `rxgym check <id> [--json] [--kwargs json]`: run checkEnv; exit 1 on findings, 2 on wrong usage. */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description("run Gymnasium's env checks on an env id (exit code 1 when there are findings)")
    .argument('<id>', 'env id, e.g. CartPole-v1')
    .option('--json', 'print { "id", "ok", "findings": [...] }')
    .option('--kwargs <json>', 'env kwargs as a JSON object, e.g. \'{"renderMode":"ansi"}\'')
    .action(function (this: Command, id: string, opts: { json?: boolean; kwargs?: string }) {
      registerAll();
      let kwargs: Record<string, unknown> = {};
      if (opts.kwargs !== undefined) {
        try {
          kwargs = JSON.parse(opts.kwargs) as Record<string, unknown>;
        } catch (e) {
          this.error(`error: --kwargs is not valid JSON (${(e as Error).message})`, {
            exitCode: 2,
            code: 'rxgym.usage',
          });
        }
        if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) {
          this.error('error: --kwargs must be a JSON object', { exitCode: 2, code: 'rxgym.usage' });
        }
      }
      try {
        spec(id);
      } catch (e) {
        this.error(`error: ${(e as RxgymError).message}`, { exitCode: 2, code: 'rxgym.usage' });
      }
      let findings: CheckFinding[];
      try {
        findings = checkEnv(make(id, kwargs));
      } catch (e) {
        // kwargs typed on the command line that the env refuses are wrong usage, not a finding about the env
        if (opts.kwargs !== undefined && e instanceof RxgymError)
          this.error(`error: --kwargs: ${e.message}`, { exitCode: 2, code: 'rxgym.usage' });
        findings = [{ check: 'make', severity: 'error', message: e instanceof Error ? e.message : String(e) }];
      }
      const ok = findings.length === 0;
      if (opts.json) process.stdout.write(`${JSON.stringify({ id, ok, findings }, null, 2)}\n`);
      else if (ok)
        process.stdout.write(`${id}: ok (spaces, reset, seeding, options, step, determinism, render, close)\n`);
      else {
        process.stdout.write(`${id}: ${findings.length} finding${findings.length === 1 ? '' : 's'}\n`);
        for (const f of findings) process.stdout.write(`  [${f.severity}] ${f.check}: ${f.message}\n`);
      }
      if (!ok) process.exitCode = 1;
    });
}
