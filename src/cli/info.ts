import { availableParallelism, cpus, totalmem } from 'node:os';
import type { Command } from 'commander';
import { specs } from '../core/registry.js';
import { registerAll } from '../../envs/index.js';
import { installedVersion, ownVersion, packageRoot } from './pkg-info.js';

/** What `rxgym info` reports. */
export interface InfoReport {
  rxgym: string | undefined;
  node: string;
  platform: string;
  cores: { available: number; logical: number; model: string | undefined };
  memoryGiB: number;
  backend: string;
  packages: Record<string, string | null>;
  envs: number;
}

const PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  '@mujoco/mujoco',
  'rxjs',
  'typescript',
];

/**
 * The tensor backend in use, via src/tensor/backend.js when it is present (a missing module is reported, not fatal).
 */
async function backendName(): Promise<string> {
  try {
    const mod = (await import('../tensor/backend.js')) as { initBackend?: () => Promise<string> };
    if (typeof mod.initBackend !== 'function') return 'unknown (src/tensor/backend.js has no initBackend)';
    return await mod.initBackend();
  } catch (e) {
    return `unavailable (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
}

/** Gather the report. */
export async function infoReport(): Promise<InfoReport> {
  registerAll();
  const root = packageRoot();
  const c = cpus();
  return {
    rxgym: ownVersion(root),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cores: { available: availableParallelism(), logical: c.length, model: c[0]?.model },
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    backend: await backendName(),
    packages: Object.fromEntries(PACKAGES.map((p) => [p, installedVersion(p, root) ?? null])),
    envs: specs().length,
  };
}

/** `rxgym info [--json]`: backend, versions, cores. */
export function registerInfoCommand(program: Command): void {
  program
    .command('info')
    .description('show the tensor backend, package versions, cores and memory')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const r = await infoReport();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        return;
      }
      const lines = [
        `rxgym     ${r.rxgym ?? '?'}`,
        `node      ${r.node} (${r.platform})`,
        `cores     ${r.cores.available} available, ${r.cores.logical} ` +
          `logical${r.cores.model ? ` (${r.cores.model})` : ''}`,
        `memory    ${r.memoryGiB} GiB`,
        `backend   ${r.backend}`,
        `envs      ${r.envs} registered (rxgym envs)`,
        'packages',
        ...Object.entries(r.packages).map(([k, v]) => `  ${k.padEnd(32)} ${v ?? 'not installed'}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
