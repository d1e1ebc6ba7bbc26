import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEventsJsonl } from '../../src/bench/results.js';
import { registerPlotCommand } from '../../src/cli/plot.js';
import { readRunSeries, seriesFromEvents } from '../../src/report/run-data.js';
import { runPanels, runTable } from '../../src/report/run-report.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const dirs: string[] = [];
/** A scratch copy of a fixture directory. */
function copy(name: string): string {
  const d = mkdtempSync(join(tmpdir(), 'rxgym-plot-'));
  dirs.push(d);
  cpSync(join(fixtures, name), d, { recursive: true });
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Run `rxgym plot ...` through its real command definition; returns what it printed. */
async function plot(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerPlotCommand(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => {
    out += s;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'rxgym', 'plot', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe('one run: series, charts, report', () => {
  it('a run that starts with reward-free pre-training keeps its start event: seed, budget and evaluation mode', () => {
    const config = { name: 'urlb', budget: { steps: 256 }, eval: { deterministic: false } };
    const start = { type: 'start', runId: 'r', env: 'E-v0', agent: 'ppo', numEnvs: 2, seed: 3, config, time: 0 };
    const s = seriesFromEvents([
      { ...start, phase: 'pretrain' },
      { type: 'batch', step: 128, steps: 128, sps: 10, time: 1, phase: 'pretrain' },
      { type: 'phase', phase: 'finetune', step: 0, budget: 256, rewards: ['extrinsic'], time: 2 },
      { type: 'batch', step: 128, steps: 128, sps: 10, time: 3, phase: 'finetune' },
    ] as never);
    expect(s.meta).toMatchObject({ seed: 3, name: 'urlb', budget: 256, evalDeterministic: false, pretrainSteps: 128 });
  });

  it('charts an ONI run: return, success, reward parts raw and scaled, losses, entropy, KL, SPS, annotator', () => {
    const s = seriesFromEvents(parseEventsJsonl(readFileSync(join(fixtures, 'run-demo-oni', 'events.jsonl'), 'utf8')));
    const panels = runPanels(s);
    expect(panels.map((p) => p.title)).toEqual([
      'Return',
      'Success rate',
      'Reward components, raw',
      'Reward components, scaled',
      'Losses',
      'Entropy',
      'KL divergence',
      'Steps per second',
      'Annotator',
    ]);
    const series = (t: string): string[] => [...new Set(panels.find((p) => p.title === t)!.rows.map((r) => r.series))];
    expect(series('Reward components, raw')).toEqual(['extrinsic', 'oni']);
    expect(series('Losses')).toEqual(['loss', 'policyLoss', 'valueLoss']);
    expect(series('Annotator')).toContain('oni: labelled');
    expect(series('Return')).toEqual(['training (last 20 episodes)', 'evaluation (mean ± std)']);
    // the scaled ONI reward is the raw one times its weight 0.4
    const raw = panels[2]!.rows.find((r) => r.series === 'oni')!;
    const scaled = panels[3]!.rows.find((r) => r.series === 'oni' && r.step === raw.step)!;
    expect(scaled.value / raw.value).toBeCloseTo(0.4, 5);
    const table = Object.fromEntries(runTable(s).rows);
    expect(table['final evaluation return']).toMatch(
      /^-?[\d.]+ ± [\d.]+ \(8 episodes at step 20,480, sampled actions\)$/,
    );
    expect(table['env steps']).toBe('20,480 of 20,480 (ended: budget)');
  });

  it('`rxgym plot` on an old run directory: report.html, report.svg, a legible report.png', async () => {
    const dir = copy('run-cartpole-ppo');
    const out = await plot(dir);
    expect(out.trim().split('\n')).toEqual(['report.html', 'report.svg', 'report.png'].map((f) => join(dir, f)));
    const svg = readFileSync(join(dir, 'report.svg'), 'utf8');
    for (const t of [
      'CartPole-v1-ppo',
      'Return',
      'Losses',
      'Entropy',
      'KL divergence',
      'Steps per second',
      'env steps',
    ])
      expect(svg, t).toContain(`>${t}<`);
    const png = PNG.sync.read(readFileSync(join(dir, 'report.png')));
    expect(png.width).toBeGreaterThan(1400);
    let dark = 0;
    for (let i = 0; i < png.data.length; i += 4)
      if (png.data[i]! < 60 && png.data[i + 1]! < 60 && png.data[i + 2]! < 60) dark += 1;
    expect(dark).toBeGreaterThan(5000); // titles and tick labels were drawn: a font was found
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<td>CartPole-v1</td>');
  });

  it('falls back to metrics.csv when a run kept no events.jsonl', async () => {
    const dir = copy('run-cartpole-ppo');
    rmSync(join(dir, 'events.jsonl'));
    const s = readRunSeries(dir);
    expect(s.training.map((p) => p.step)).toEqual([1024, 2048, 3072, 4096]);
    expect(s.train[0]!.stats.valueLoss).toBeGreaterThan(0);
    const out = join(dir, 'plots');
    await plot(dir, '--out', out);
    expect(existsSync(join(out, 'report.png'))).toBe(true);
  });

  it('`rxgym plot` re-plots a benchmark directory, and names a directory that is neither', async () => {
    const dir = copy('bench-smoke');
    // a summary.csv from when fewer runs had finished is brought up to date with the rest of the report
    writeFileSync(join(dir, 'summary.csv'), 'env,rewards,seed\nCartPole-v1,extrinsic,1\n');
    const out = await plot(dir);
    expect(out).toContain(join(dir, 'summary.html'));
    expect(out).toContain(join(dir, 'summary.csv'));
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('4 of 4 runs finished');
    const csv = readFileSync(join(dir, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('env,rewards,seed,status,steps,wall_seconds,sps,episodes,return,success,first_success_step');
    expect(csv).toHaveLength(5);
    // the AUC over a budget prefix, into another directory: the bench directory's own report is left as it was
    const before = readFileSync(join(dir, 'summary.md'), 'utf8');
    const prefix = join(dir, 'first-2048');
    await plot(dir, '--auc-steps', '2048', '--out', prefix);
    expect(readFileSync(join(prefix, 'summary.md'), 'utf8')).toContain('over the first 2,048 steps of each run');
    expect(existsSync(join(prefix, 'summary.csv'))).toBe(true);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toBe(before);
    await expect(plot(dir, '--auc-steps', '0')).rejects.toThrow('--auc-steps: expected a positive whole number');
    // every stack against another one than extrinsic
    const vsCount = join(dir, 'vs-count');
    await plot(dir, '--baseline', 'count', '--out', vsCount);
    expect(readFileSync(join(vsCount, 'summary.md'), 'utf8')).toContain('| P(> count), final | P(> count), AUC |');
    await expect(plot(dir, '--baseline', 'rnd', '--out', join(dir, 'vs-rnd'))).rejects.toThrow(
      '--baseline: no finished run has the reward stack "rnd"; give one of extrinsic, count',
    );
    expect(existsSync(join(dir, 'vs-rnd'))).toBe(false);
    const empty = mkdtempSync(join(tmpdir(), 'rxgym-plot-'));
    dirs.push(empty);
    await expect(plot(empty)).rejects.toThrow(
      `"${empty}" holds neither events.jsonl nor metrics.csv; give an rxgym run directory`,
    );
    await expect(plot(join(empty, 'nope'))).rejects.toThrow(/^no directory ".*nope"; give a run directory/);
  });
});
