import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ANNOTATION_QUEUE, QUEUE_PREFIX } from '../../src/llm/service/protocol.js';
import { redisTarget } from '../../src/llm/service/redis.js';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');
const LOADER = join(ROOT, 'test/viz/ts-loader.mjs');
const MAIN = join(ROOT, 'src/cli/main.ts');

/** A CLI process of a test: its output so far, its exit, and waits on both. */
export interface Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  out(): string;
  err(): string;
  readonly exited: Promise<number | null>;
  /** Resolves when stdout has a line matching `re` (rejects after `ms`, naming what was seen). */
  waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray>;
}

/** Start `rxgym <args>` from source in its own process. */
export function rxgym(args: string[], env: NodeJS.ProcessEnv = process.env): Proc {
  const child = spawn(process.execPath, ['--import', LOADER, MAIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code, sig) => res(code ?? (sig ? -1 : null))));
  return {
    child,
    pid: child.pid!,
    out: () => out,
    err: () => err,
    exited,
    waitFor: async (re, ms) => {
      const end = Date.now() + ms;
      for (;;) {
        const m = out.match(re);
        if (m) return m;
        if (Date.now() > end || child.exitCode !== null) {
          throw new Error(
            `no line matching ${re} within ${ms} ms (exit ${child.exitCode});\nstdout:\n${out}\nstderr:\n${err}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** Wait until `what()` holds (polled every 100 ms), or fail after `ms` with `label`. */
export async function until(what: () => boolean, ms: number, label = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (what()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${label}`);
}

/** Stop a process if it still runs (SIGKILL) and wait for its exit. */
export async function stop(p: Proc | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGKILL');
  await p.exited;
}

/** Every file under `dir` (recursive). */
export function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

/** A run's result.json in a bench output directory. */
export function result(
  out: string,
  key: string,
): { key: string; status: string; steps: number; error?: string; return: number } {
  return JSON.parse(readFileSync(join(out, 'runs', key, 'result.json'), 'utf8'));
}

/** A run's events in a bench output directory. */
export function events(
  out: string,
  key: string,
): Array<{ type: string; step?: number; steps?: number; reason?: string }> {
  return readFileSync(join(out, 'runs', key, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** Process ids whose command line contains `text` (for orphaned children). */
export function pidsWith(text: string): number[] {
  const r = spawnSync('pgrep', ['-f', text], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((p) => p !== process.pid);
}

/**
 * The number of cached labels matching `pattern` once the annotation service has settled: no request waiting,
 * running or delayed in the queue, and `chats()` (the LLM answers counted by the test server) equal to the labels plus
 * `extra` (retried failures) -- the requests of runs that have ended are answered before anything is counted. Waits
 * `ms` at most, then counts anyway (the caller's assertion names what differs).
 */
export async function settledLabels(
  redisUrl: string,
  keys: Redis,
  pattern: string,
  chats: () => number,
  extra = 0,
  ms = 60_000,
): Promise<number> {
  const q = new Queue(ANNOTATION_QUEUE, { connection: redisTarget(redisUrl).options, prefix: QUEUE_PREFIX });
  try {
    for (let t = Date.now(); Date.now() - t < ms; await new Promise((r) => setTimeout(r, 200))) {
      const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      const busy = Object.values(c).reduce((a, b) => a + b, 0);
      if (busy === 0 && (await keys.keys(pattern)).length + extra === chats()) break;
    }
  } finally {
    await q.close();
  }
  return (await keys.keys(pattern)).length;
}
