import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baselineOf, benchScores, benchStats, statsTable } from '../../src/bench/compare.js';
import { exploreTable, summaryMarkdown } from '../../src/bench/report.js';
import type { FinalScores } from '../../src/bench/results.js';
import type { RunResult } from '../../src/bench/results.js';
import { aggregatePanels, writeBenchReport } from '../../src/report/bench-report.js';

/** A finished run whose training success is `s` from `from` on (0 before), over 1000 steps. */
function run(env: string, rewards: string, seed: number, s: number, from: number, ret?: number): RunResult {
  const curve = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000].map((step) => ({
    step,
    return: ret ?? (step >= from ? s : 0),
    ...(ret === undefined ? { success: step >= from ? s : 0 } : {}),
  }));
  return {
    key: `${env}__${rewards}__s${seed}`,
    env,
    rewards,
    seed,
    status: 'done',
    steps: 1000,
    wallSeconds: 1,
    sps: 1000,
    episodes: 10,
    return: ret ?? s,
    ...(ret === undefined ? { success: s } : {}),
    firstSuccessStep: null,
    curve,
  };
}

function matrix(): { results: RunResult[]; scores: Map<string, FinalScores> } {
  const results: RunResult[] = [];
  const scores = new Map<string, FinalScores>();
  for (const seed of [1, 2, 3, 4, 5]) {
    // A: the explorer solves both tasks (final eval 0.8 + seed/100), learning from step 500
    for (const env of ['A-v0', 'B-v0']) {
      const e = run(env, 'explore', seed, 0.5, 500);
      const x = run(env, 'extrinsic', seed, 0.1 * (seed % 2), 1000);
      results.push(e, x);
      scores.set(e.key, { evalSuccess: (80 + seed) / 100, evalEpisodes: 50, evalDeterministic: false });
      scores.set(x.key, { evalSuccess: 0.1 * (seed % 2), evalEpisodes: 50, evalDeterministic: false });
    }
  }
  return { results, scores };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('bench statistics', () => {
  it('scores: final success from the last evaluation, AUC from the training curve', () => {
    const { results, scores } = matrix();
    const envs = benchScores(results, scores);
    expect(envs.map((e) => [e.env, e.measure, e.stacks.map((s) => s.stack)])).toEqual([
      ['A-v0', 'success', ['explore', 'extrinsic']],
      ['B-v0', 'success', ['explore', 'extrinsic']],
    ]);
    const ex = envs[0]!.stacks[0]!;
    ex.final.forEach((f, i) => expect(f).toBeCloseTo(0.81 + i / 100, 12));
    // by hand: 0 over steps 0..400, linear 0 -> 0.5 over 400..500, 0.5 from 500 to 1000: (25 + 250) / 1000
    expect(ex.auc[0]).toBeCloseTo(0.275, 12);
  });

  it('summary.md gets a pre-training table when runs pre-trained (URLB): steps, episodes, unpaid success', () => {
    const { results, scores } = matrix();
    expect(summaryMarkdown('m', results, results.length, scores)).not.toContain('## Pre-training');
    const pre = results.map((r, i) =>
      r.rewards === 'explore'
        ? { ...r, pretrain: { steps: 500, episodes: 10 + i, success: 0.2, explore: { episodeUniqueCells: 30 } } }
        : r,
    );
    const md = summaryMarkdown('m', pre, pre.length, scores);
    expect(md).toContain('## Pre-training (reward-free)');
    expect(md).toMatch(/\| A-v0 \| explore \| 5 \| 500 \| 18 ± 6 \| 0\.200 ± 0\.000 \| 30\.0 ± 0\.0 \| n\/a \|/);
  });

  it('AUC over a budget prefix (aucSteps): the first n steps, the final score unchanged, the note says so', () => {
    const { results, scores } = matrix();
    const envs = benchScores(results, scores, { aucSteps: 600 });
    const ex = envs[0]!.stacks[0]!;
    // by hand over 0..600: 0 to 400, linear 0 -> 0.5 over 400..500, 0.5 over 500..600: (25 + 50) / 600
    expect(ex.auc[0]).toBeCloseTo(0.125, 12);
    ex.final.forEach((f, i) => expect(f).toBeCloseTo(0.81 + i / 100, 12));
    // a budget past the run's end is the whole run
    expect(benchScores(results, scores, { aucSteps: 5000 })[0]!.stacks[0]!.auc[0]).toBeCloseTo(0.275, 12);
    const notes = statsTable(envs, benchStats(envs, 200)).notes.join(' ');
    expect(notes).toContain('over the first 600 steps of each run');
    expect(
      statsTable(benchScores(results, scores), benchStats(benchScores(results, scores), 200)).notes.join(' '),
    ).toContain("over the run's steps");
  });

  it('per env and pooled: IQM, mean, P(X>Y) against the extrinsic stack with a verdict', () => {
    const { results, scores } = matrix();
    const envs = benchScores(results, scores);
    const st = benchStats(envs);
    expect(st.baseline).toBe('extrinsic');
    expect(st.rows.map((r) => `${r.env ?? 'all'} ${r.stack} ${r.runs}`)).toEqual([
      'A-v0 explore 5',
      'A-v0 extrinsic 5',
      'B-v0 explore 5',
      'B-v0 extrinsic 5',
      'all explore 10',
      'all extrinsic 10',
    ]);
    const pooled = st.rows[4]!;
    // trim_mean of 0.81..0.85 twice: the middle 6 of 10 -> 0.83
    expect(pooled.final.iqm.point).toBeCloseTo(0.83, 12);
    expect(pooled.final.mean.point).toBeCloseTo(0.83, 12);
    expect(pooled.vsBaseline!.final.pxy.point).toBe(1);
    expect(pooled.vsBaseline!.final.verdict).toBe('better');
    expect(st.rows[5]!.vsBaseline).toBeUndefined();
    // extrinsic finals 0.1, 0, 0.1, 0, 0.1 per env: mean 0.06, IQM of 10 pooled (middle 6: 0,0,0.1,0.1,0.1,0.1)
    expect(st.rows[5]!.final.mean.point).toBeCloseTo(0.06, 12);
    expect(st.rows[5]!.final.iqm.point).toBeCloseTo(0.4 / 6, 12);
    expect(benchStats(envs)).toEqual(st); // seeded: the same numbers every time
    const t = statsTable(envs, st);
    expect(t.rows[4]).toEqual([
      'all envs',
      'explore',
      '10',
      expect.stringMatching(/^0\.83 \[0\.8\d, 0\.8\d\]$/),
      expect.any(String),
      expect.any(String),
      expect.any(String),
      '1.00 [1.00, 1.00] better',
      '1.00 [1.00, 1.00] better',
    ]);
  });

  it('compares with another stack than extrinsic when asked, and names the stacks for one no run has', () => {
    const { results, scores } = matrix();
    const envs = benchScores(results, scores);
    const st = benchStats(envs, 200, 'explore');
    expect(st.baseline).toBe('explore');
    const pooled = st.rows.find((r) => r.env === undefined && r.stack === 'extrinsic')!;
    expect(pooled.vsBaseline!.final.pxy.point).toBe(0);
    expect(pooled.vsBaseline!.final.verdict).toBe('worse');
    expect(statsTable(envs, st).header).toContain('P(> explore), final');
    expect(() => benchStats(envs, 200, 'rnd')).toThrow(
      'baseline: no finished run has the reward stack "rnd"; give one of explore, extrinsic',
    );
  });

  it('no verdict with fewer than 5 runs a side', () => {
    const { results, scores } = matrix();
    const few = results.filter((r) => r.seed <= 3);
    const st = benchStats(benchScores(few, scores));
    expect(st.rows[0]!.vsBaseline!.final.pxy.point).toBe(1);
    expect(st.rows[0]!.vsBaseline!.final.verdict).toBe('n.s.');
  });

  it('envs without success: the return, min-max normalised over the env', () => {
    const rs = [run('C-v0', 'a', 1, 0, 0, 10), run('C-v0', 'a', 2, 0, 0, 30), run('C-v0', 'b', 1, 0, 0, 20)];
    const [c] = benchScores(rs, new Map());
    expect(c!.measure).toBe('return');
    expect(c!.stacks.map((s) => s.final)).toEqual([[0, 1], [0.5]]);
    expect(baselineOf(['a', 'b'])).toBe('a');
  });

  it('summary.md carries the statistics; the report writes the aggregate plot', async () => {
    const { results, scores } = matrix();
    const md = summaryMarkdown('t', results, 20, scores);
    expect(md).toContain('## Statistics (rliable)');
    expect(md).toContain('| all envs | explore | 10 |');
    expect(md).not.toContain('Warning: final evaluations');
    const st = benchStats(benchScores(results, scores));
    const panels = aggregatePanels(benchScores(results, scores), st);
    expect(panels.map((p) => p.kind)).toEqual(['interval', 'interval', 'profile']);
    expect(panels[2]!.rows.filter((r) => r.series === 'explore').map((r) => r.value)).toEqual(
      // finals 0.81 .. 0.85: all above tau = 0 .. 0.8, none from 0.85
      Array.from({ length: 21 }, (_, i) => (i <= 16 ? 1 : 0)),
    );
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-agg-'));
    dirs.push(dir);
    const files = await writeBenchReport('t', results, 20, dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toContain('aggregate.png');
    const svg = readFileSync(join(dir, 'aggregate.svg'), 'utf8');
    for (const t of ['IQM of the final success', 'Performance profile (final success)', 'explore', 'extrinsic']) {
      expect(svg, t).toContain(`>${t}<`);
    }
    const html = readFileSync(join(dir, 'summary.html'), 'utf8');
    expect(html).toContain('<h2>Statistics (rliable)</h2>');
  });
});

describe('bench exploration table', () => {
  it('gives unique cells over the run and per episode, and n/a where a run did not measure one', () => {
    const a = {
      ...run('A-v0', 'count', 1, 0.5, 0),
      explore: { uniqueCells: 100, episodeUniqueCells: 50, maxDepth: 1 },
    };
    const b = {
      ...run('A-v0', 'count', 2, 0.5, 0),
      explore: { uniqueCells: 120, episodeUniqueCells: 60, maxDepth: 1 },
    };
    const c = { ...run('A-v0', 'oni', 1, 0.5, 0), explore: { uniqueCells: 90, maxDepth: 2 } };
    const t = exploreTable([a, b, c])!;
    expect(t.header).toEqual([
      'env',
      'rewards',
      'unique cells',
      'cells per episode',
      'coverage',
      'max depth',
      'distinct messages',
    ]);
    const count = t.rows.find((r) => r[1] === 'count')!;
    const oni = t.rows.find((r) => r[1] === 'oni')!;
    expect(count.slice(2, 4)).toEqual([
      expect.stringMatching(/^110\.0 ± 14\.1/),
      expect.stringMatching(/^55\.0 ± 7\.1/),
    ]);
    expect(oni[3]).toBe('n/a');
    expect(t.notes.join(' ')).toContain('cells per episode');
  });
});
