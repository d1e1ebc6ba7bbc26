import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EnvSource } from '../env.js';
import { RxgymError } from '../env.js';

const here = new URL(import.meta.url);
/** True when this file runs compiled (dist/src/core/vector/*.js), false when run from its TypeScript source. */
const compiled = here.pathname.endsWith('.js');
/** The package root: the folder holding src/, envs/ and dist/. */
const root = new URL(compiled ? '../../../../' : '../../../', here);

/** A compiled script of this folder, run as a worker: next to this file in dist/, else dist/ of the package root. */
export function workerScriptUrl(name: string): URL {
  if (compiled) return new URL(`./${name}.js`, here);
  const url = new URL(`dist/src/core/vector/${name}.js`, root);
  if (!existsSync(fileURLToPath(url))) {
    const path = fileURLToPath(url);
    throw new RxgymError(`WorkerVectorEnv needs the compiled worker script ${path}; run \`npm run build\` first`);
  }
  return url;
}

/**
 * The module a worker thread imports for `specifier` (a file URL or an absolute path). Workers run compiled JS, so a
 * TypeScript file of this package (what `import.meta.url` names when the caller runs from source, e.g. under vitest)
 * becomes its copy in dist/; anything else is imported as given (a user's loader, inherited through the exec flags,
 * may handle it).
 */
export function workerModuleUrl(specifier: string): string {
  const url = /^[a-z][a-z0-9+.-]*:/i.test(specifier) ? new URL(specifier) : pathToFileURL(specifier);
  const ts = /\.([mc]?)ts$/.exec(url.pathname);
  const inPackage = url.href.startsWith(root.href) && !url.href.startsWith(new URL('dist/', root).href);
  if (url.protocol !== 'file:' || !ts || !inPackage) return url.href;
  const js = new URL(`dist/${url.href.slice(root.href.length, -ts[0].length)}.${ts[1]}js`, root);
  if (!existsSync(fileURLToPath(js))) {
    throw new RxgymError(
      `WorkerVectorEnv: worker threads run compiled JS and ${fileURLToPath(url)} has no compiled copy ` +
        `${fileURLToPath(js)}; run \`npm run build\` first`,
    );
  }
  return js.href;
}

/** `source` with its module resolved for a worker thread (see workerModuleUrl). */
export function workerSource(source: EnvSource): EnvSource {
  return { module: workerModuleUrl(source.module), export: source.export };
}

/** Flags of the main thread's command line a worker must not inherit: eval input, its type, REPL, syntax check. */
const MAIN_ONLY = new Set([
  '-e',
  '--eval',
  '-p',
  '--print',
  '-pe',
  '--input-type',
  '-i',
  '--interactive',
  '-c',
  '--check',
]);
/** Those of them whose value may follow as the next argument. */
const WITH_VALUE = new Set(['-e', '--eval', '-p', '--print', '-pe', '--input-type']);

/**
 * The exec flags to start workers with: undefined (inherit the parent's, as Node does) unless the parent was started
 * with flags that only make sense for the main thread (`node --input-type=module -e ...`: a worker inheriting them
 * fails at start), in which case the parent's flags without those.
 */
export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] | undefined {
  const kept: string[] = [];
  let dropped = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.startsWith('--') ? a.split('=')[0]! : a;
    if (!MAIN_ONLY.has(name)) {
      kept.push(a);
      continue;
    }
    dropped = true;
    if (WITH_VALUE.has(name) && !a.includes('=')) i++;
  }
  return dropped ? kept : undefined;
}

/**
 * A worker thread's start-up as a promise (an agent's `ready()`): `started` or `failed` settles it. A failure nobody
 * awaits is not an unhandled rejection; the owner reports it again at its next call.
 */
export function startSignal(): { promise: Promise<void>; started: () => void; failed: (e: Error) => void } {
  let started!: () => void;
  let failed!: (e: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    started = resolve;
    failed = reject;
  });
  promise.catch(() => undefined);
  return { promise, started, failed };
}
