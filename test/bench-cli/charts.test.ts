import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { meanStd, summaryCsv, summaryMarkdown } from '../../src/bench/report.js';
import type { FinalScores } from '../../src/bench/results.js';
import { resultFromEvents, type RunResult } from '../../src/bench/results.js';
import { benchPanels, loadBenchSeries, writeBenchReport } from '../../src/report/bench-report.js';
import { seriesFromEvents } from '../../src/report/run-data.js';
import type { RunEvent } from '../../src/stream/events.js';

/** A run's event stream: episodes whose return rises with the step, success from `succeedFrom` on, one evaluation. */
function events(seed: number, succeedFrom: number, evalSuccess: number): RunEvent[] {
  const ev: RunEvent[] = [
    {
      type: 'start',
      runId: `r${seed}`,
      env: 'E-v0',
      agent: 'ppo',
      numEnvs: 1,
      seed,
      config: { eval: { deterministic: true } },
      time: 0,
    },
  ];
  for (let step = 100; step <= 2000; step += 100) {
    ev.push({
      type: 'episode',
      step,
      envIndex: 0,
      return: step / 1000 + seed * 0.01,
      length: 10,
      success: step >= succeedFrom,
      time: step,
    });
    ev.push({ type: 'batch', step, steps: 100, sps: 1000, time: step });
  }
  ev.push({
    type: 'eval',
    step: 2000,
    meanReturn: -1,
    stdReturn: 0,
    successRate: evalSuccess,
    episodes: 10,
    time: 2000,
  });
  ev.push({ type: 'end', step: 2000, reason: 'budget', time: 2000 });
  return ev;
}

const RUNS = [
  ['ext', 1, 5000, 0],
  ['ext', 2, 5000, 0],
  ['oni', 1, 800, 0.5],
  ['oni', 2, 1200, 0.7],
] as const;

function results(): { results: RunResult[]; scores: Map<string, FinalScores>; events: Map<string, RunEvent[]> } {
  const out: RunResult[] = [];
  const scores = new Map<string, FinalScores>();
  const evs = new Map<string, RunEvent[]>();
  for (const [stack, seed, from, evalSuccess] of RUNS) {
    const key = `E-v0__${stack}__s${seed}`;
    const e = events(seed, from, evalSuccess);
    out.push(resultFromEvents({ key, env: 'E-v0', rewards: stack, seed }, e, 2.5));
    const s = seriesFromEvents(e);
    scores.set(key, {
      evalReturn: s.evals.at(-1)!.return,
      evalSuccess: s.evals.at(-1)!.success,
      evalEpisodes: 10,
      evalDeterministic: true,
      trainReturn: s.final.trainReturn,
      trainSuccess: s.final.trainSuccess,
    });
    evs.set(key, e);
  }
  return { results: out, scores, events: evs };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('bench results and reports', () => {
  it('folds events into a result: final return, success, first success, SPS, curve', () => {
    const r = results().results[2]!;
    expect(r.status).toBe('done');
    expect(r.steps).toBe(2000);
    expect(r.firstSuccessStep).toBe(800);
    expect(r.sps).toBeCloseTo(1000);
    expect(r.curve.length).toBe(20);
    expect(meanStd([1, 2, 3])).toEqual({ mean: 2, std: 1, n: 3 });
  });

  it('writes CSV rows', () => {
    const csv = summaryCsv(results().results).trim().split('\n');
    expect(csv[0]).toBe('env,rewards,seed,status,steps,wall_seconds,sps,episodes,return,success,first_success_step');
    expect(csv).toHaveLength(5);
    expect(csv[3]).toMatch(/^E-v0,oni,1,done,2000,2\.5,1000,20,-1,0\.5,800$/);
  });

  it('labels the table: final greedy evaluation beside the last 100 training episodes (issue 13 item 12)', () => {
    const { results: rs, scores } = results();
    const md = summaryMarkdown('t', rs, 4, scores);
    expect(md).toContain(
      '| env | rewards | seeds | eval success (final, greedy) | training success (last 100 episodes) | ' +
        'eval return (final, greedy) | training return (last 100 episodes) | steps to first success | SPS |',
    );
    expect(md).toContain('the last evaluation of each run (10 episodes), greedy (deterministic) actions');
    // ext never succeeds; oni: eval 0.5 and 0.7, training 13/20 and 9/20 successful episodes
    const row = (stack: string): string => md.split('\n').find((l) => l.startsWith(`| E-v0 | ${stack} |`))!;
    expect(row('ext')).toMatch(/^\| E-v0 \| ext \| 2 \| 0\.00 ± 0\.00 \| 0\.00 ± 0\.00 \| -1\.000 ± 0\.000 \|/);
    expect(row('ext')).toMatch(/\| never \(0\/2\) \| 1,000 \|$/);
    expect(row('oni')).toMatch(/^\| E-v0 \| oni \| 2 \| 0\.60 ± 0\.14 \| 0\.55 ± 0\.14 \| -1\.000 ± 0\.000 \|/);
    expect(row('oni')).toMatch(/\| 1,000 \(2\/2\) \| 1,000 \|$/);
    // sampled evaluation is named so, and a run without evaluation shows n/a rather than its training score
    const sampled = new Map([...scores].map(([k, v]) => [k, { ...v, evalDeterministic: false }]));
    expect(summaryMarkdown('t', rs, 4, sampled)).toContain('eval success (final, sampled)');
    const none = new Map(
      [...scores].map(([k, v]) => [k, { trainReturn: v.trainReturn, trainSuccess: v.trainSuccess }]),
    );
    expect(summaryMarkdown('t', rs, 4, none)).toMatch(/\| E-v0 \| oni \| 2 \| n\/a \| 0\.55 ± 0\.14 \| n\/a \|/);
  });

  it('adds an exploration table when runs tracked exploration', () => {
    const { results: rs, scores } = results();
    expect(summaryMarkdown('t', rs, 4, scores)).not.toContain('## Exploration');
    rs.forEach((r, i) => {
      r.explore = { uniqueCells: 10 + i, maxDepth: 1, distinctMessages: 4 };
    });
    const md = summaryMarkdown('t', rs, 4, scores);
    expect(md).toContain('## Exploration (whole run)');
    expect(md).toMatch(/\| E-v0 \| ext \| 10\.5 ± 0\.7 \| n\/a \| n\/a \| 1\.0 ± 0\.0 \| 4\.0 ± 0\.0 \|/);
  });

  it('learning curves: per env a line per stack, mean over seeds, 95% band, eval and training apart', () => {
    const { results: rs, events: evs } = results();
    const series = new Map([...evs].map(([k, e]) => [k, seriesFromEvents(e)]));
    const panels = benchPanels(rs, series);
    expect(panels.map((p) => p.title)).toEqual([
      'Evaluation success · E-v0',
      'Training success · E-v0',
      'Evaluation return · E-v0',
      'Training return · E-v0',
    ]);
    const train = panels[1]!;
    expect(new Set(train.rows.map((r) => r.series))).toEqual(new Set(['ext', 'oni']));
    const last = train.rows.filter((r) => r.series === 'oni').at(-1)!;
    expect(last.step).toBe(2000);
    expect(last.value).toBeCloseTo((13 / 20 + 9 / 20) / 2); // the last 20 episodes are all 20: 13 and 9 successes
    const ev = panels[0]!.rows.find((r) => r.series === 'oni')!;
    // mean 0.6, sd 0.1414, t(1) = 12.706: the band is clipped to [0, 1]
    expect(ev).toEqual({ step: 2000, series: 'oni', value: expect.closeTo(0.6, 6), lo: 0, hi: 1 });
    const ret = panels[3]!.rows.find((r) => r.series === 'ext' && r.step === 1000)!;
    expect(ret.value).toBeCloseTo(0.565, 6); // mean of 0.1 .. 1.0, plus 0.01 x seed
    expect(ret.hi! - ret.value).toBeCloseTo((12.706 * Math.SQRT1_2 * 0.01) / Math.SQRT2, 4);
  });

  it('writes summary.md, curves.svg, a legible curves.png and summary.html for an old bench directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-charts-'));
    dirs.push(dir);
    cpSync(join(import.meta.dirname, '..', 'report', 'fixtures', 'bench-smoke'), dir, { recursive: true });
    const rs = readdirSync(join(dir, 'runs')).map(
      (k) => JSON.parse(readFileSync(join(dir, 'runs', k, 'result.json'), 'utf8')) as RunResult,
    );
    expect(loadBenchSeries(dir, rs).size).toBe(4);
    const files = await writeBenchReport('smoke', rs, 4, dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      'summary.md',
      'curves.svg',
      'curves.png',
      'summary.html',
      'aggregate.svg',
      'aggregate.png',
    ]);
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    // the contradiction of issue 13 item 12, now labelled: greedy evaluation 0.00, training 0.89
    expect(md).toMatch(/\| Dungeon-Room-5x5-v0 \| count \| 2 \| 0\.00 ± 0\.00 \| 0\.89 ± 0\.04 \|/);
    const svg = readFileSync(join(dir, 'curves.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    for (const t of [
      'Evaluation success · Dungeon-Room-5x5-v0',
      'Training return · Dungeon-Room-5x5-v0',
      'env steps',
      'success rate',
      'reward stack',
      'count',
      'extrinsic',
    ]) {
      expect(svg, t).toContain(`>${t}<`);
    }
    const png = PNG.sync.read(readFileSync(join(dir, 'curves.png')));
    expect(png.width).toBeGreaterThan(1600); // two panels across, drawn at 2x
    const seen = new Set<string>();
    for (let i = 0; i < png.data.length; i += 4) seen.add(`${png.data[i]},${png.data[i + 1]},${png.data[i + 2]}`);
    expect(seen.has('0,114,178')).toBe(true); // the first stack's line (#0072B2)
    expect(seen.has('213,94,0')).toBe(true); // the second's (#D55E00)
    expect(`${png.data[0]},${png.data[1]},${png.data[2]}`).toBe('255,255,255');
    expect(seen.has('0,0,0')).toBe(true); // black text was drawn (titles): a font was found
    const html = readFileSync(join(dir, 'summary.html'), 'utf8');
    expect(html).toContain('<th>eval success (final, greedy)</th>');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });
});
