import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { lineCharts, PALETTE } from '../../src/bench/chart.js';
import { toPng } from '../../src/bench/png.js';
import { toSvg } from '../../src/bench/svg.js';
import { curvePanels, meanStd, summaryCsv, summaryMarkdown } from '../../src/bench/report.js';
import { resultFromEvents, type RunResult } from '../../src/bench/results.js';
import type { RunEvent } from '../../src/stream/events.js';

/** A run's event stream: episodes whose return rises with the step, success from `succeedFrom` on. */
function events(seed: number, succeedFrom: number): RunEvent[] {
  const ev: RunEvent[] = [{ type: 'start', runId: `r${seed}`, env: 'E-v0', agent: 'ppo', numEnvs: 1, seed, time: 0 }];
  for (let step = 100; step <= 2000; step += 100) {
    ev.push({ type: 'episode', step, envIndex: 0, return: step / 1000 + seed * 0.01, length: 10, success: step >= succeedFrom, time: step });
    ev.push({ type: 'batch', step, steps: 100, sps: 1000, time: step });
  }
  ev.push({ type: 'end', step: 2000, reason: 'budget', time: 2000 });
  return ev;
}

function results(): RunResult[] {
  return [
    resultFromEvents({ key: 'E-v0__ext__s1', env: 'E-v0', rewards: 'ext', seed: 1 }, events(1, 5000), 2.5),
    resultFromEvents({ key: 'E-v0__ext__s2', env: 'E-v0', rewards: 'ext', seed: 2 }, events(2, 5000), 2.5),
    resultFromEvents({ key: 'E-v0__oni__s1', env: 'E-v0', rewards: 'oni', seed: 1 }, events(1, 800), 2.5),
    resultFromEvents({ key: 'E-v0__oni__s2', env: 'E-v0', rewards: 'oni', seed: 2 }, events(2, 1200), 2.5),
  ];
}

describe('bench results and reports', () => {
  it('folds events into a result: final return, success, first success, SPS, curve', () => {
    const r = results()[2]!;
    expect(r.status).toBe('done');
    expect(r.steps).toBe(2000);
    expect(r.firstSuccessStep).toBe(800);
    expect(r.success).toBeCloseTo(13 / 20);
    expect(r.sps).toBeCloseTo(1000);
    expect(r.curve.length).toBe(20);
    expect(meanStd([1, 2, 3])).toEqual({ mean: 2, std: 1, n: 3 });
  });

  it('writes CSV rows and a Markdown table with mean ± std and steps to first success', () => {
    const rs = results();
    const csv = summaryCsv(rs).trim().split('\n');
    expect(csv[0]).toBe('env,rewards,seed,status,steps,wall_seconds,sps,episodes,return,success,first_success_step');
    expect(csv).toHaveLength(5);
    expect(csv[3]).toMatch(/^E-v0,oni,1,done,2000,2\.5,1000,20,[\d.]+,0\.65,800$/);
    const md = summaryMarkdown('t', rs, 4);
    expect(md).toMatch(/\| E-v0 \| ext \| 2 \| 0\.00 ± 0\.00 \| [\d.]+ ± [\d.]+ \| never \(0\/2\) \| 1,000 \|/);
    expect(md).toMatch(/\| E-v0 \| oni \| 2 \| 0\.[56]\d ± 0\.\d\d \| [\d.]+ ± [\d.]+ \| 1,000 \(2\/2\) \| 1,000 \|/);
  });

  it('adds an exploration table when runs tracked exploration', () => {
    const rs = results();
    expect(summaryMarkdown('t', rs, 4)).not.toContain('## Exploration');
    rs.forEach((r, i) => { r.explore = { uniqueCells: 10 + i, maxDepth: 1, distinctMessages: 4 }; });
    const md = summaryMarkdown('t', rs, 4);
    expect(md).toContain('## Exploration (whole run)');
    expect(md).toMatch(/\| E-v0 \| ext \| 10\.5 ± 0\.7 \| n\/a \| 1\.0 ± 0\.0 \| 4\.0 ± 0\.0 \|/);
  });

  it('draws the learning curves as SVG and as a PNG rasterised by our own code', () => {
    const drawing = lineCharts(curvePanels(results()), { title: 'test' });
    const svg = toSvg(drawing);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.match(/<polyline /g)).toHaveLength(4); // return + success panels, two stacks each
    expect(svg).toContain('>success rate<');
    const png = PNG.sync.read(toPng(drawing));
    expect(png.width).toBe(drawing.width);
    expect(png.height).toBe(drawing.height);
    // Both stacks' colours are painted somewhere (the curves), and the background is white.
    const hex = (i: number): string => `#${[png.data[i], png.data[i + 1], png.data[i + 2]].map((v) => v!.toString(16).padStart(2, '0')).join('')}`.toUpperCase();
    const seen = new Set<string>();
    for (let i = 0; i < png.data.length; i += 4) seen.add(hex(i));
    expect(seen.has(PALETTE[0]!.toUpperCase())).toBe(true);
    expect(seen.has(PALETTE[1]!.toUpperCase())).toBe(true);
    expect(hex(0)).toBe('#FFFFFF');
  });
});
