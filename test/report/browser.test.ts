import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/bench/results.js';
import { writeBenchReport } from '../../src/report/bench-report.js';
import { writeRunReport } from '../../src/report/run-report.js';

// Debian's chromium (apt-get install -y chromium), driven headless; playwright-core downloads no browser.
const CHROMIUM = process.env.RXGYM_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const haveChromium = existsSync(CHROMIUM);
const fixtures = join(import.meta.dirname, 'fixtures');
const work = mkdtempSync(join(tmpdir(), 'rxgym-browser-'));
/** Screenshots are kept here for a look after the run. */
const shots = join(tmpdir(), 'rxgym-report-screenshots');

let browser: Browser | undefined;
beforeAll(async () => {
  if (haveChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
});
afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Open a report file; return the page, its console errors and any request that left the file. */
async function open(file: string): Promise<{ page: Page; errors: string[]; remote: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1300, height: 900 } });
  const errors: string[] = [];
  const remote: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    remote.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => document.body.dataset.charts !== undefined, undefined, { timeout: 30_000 });
  return { page, errors, remote };
}

/** Every chart rendered an SVG with drawn marks. */
async function expectAllRendered(page: Page, atLeast: number): Promise<void> {
  const charts = await page.$$eval('.chart', (els) =>
    els.map((el) => ({
      rendered: (el as HTMLElement).dataset.rendered === 'true',
      paths: el.querySelectorAll('svg .mark-line path, svg .mark-symbol path, svg .mark-area path').length,
    })),
  );
  expect(charts.length).toBeGreaterThanOrEqual(atLeast);
  for (const c of charts) {
    expect(c.rendered).toBe(true);
    expect(c.paths).toBeGreaterThan(0);
  }
  expect(
    await page.evaluate(() => (window as unknown as { rxgymCharts: { errors: string[] } }).rxgymCharts.errors),
  ).toEqual([]);
  expect(await page.evaluate(() => document.body.dataset.charts)).toBe('rendered');
}

describe.skipIf(!haveChromium)('HTML reports in a real browser (Debian chromium, headless)', () => {
  it('report.html of an old recorded run: every chart renders, no console error, no network', async () => {
    const dir = join(work, 'run');
    cpSync(join(fixtures, 'run-demo-oni'), dir, { recursive: true });
    await writeRunReport(dir);
    const { page, errors, remote } = await open(join(dir, 'report.html'));
    await expectAllRendered(page, 9);
    expect(await page.textContent('table')).toContain('final evaluation success');
    // hover: Vega's tooltip handler puts the nearest point's values in a title attribute
    const box = (await page.locator('#chart-0 svg').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.move(box.x + box.width * 0.32, box.y + box.height * 0.5);
    const title = (): Promise<string> =>
      page.evaluate(() => {
        const el = document.querySelector('#chart-0')!;
        return el.getAttribute('title') ?? el.querySelector('[title]')?.getAttribute('title') ?? '';
      });
    await expect.poll(title).toMatch(/env steps: [\d,]+/);
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'run-report.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(remote).toEqual([]);
    await page.close();
  });

  it('summary.html of an old benchmark: tables, every chart, a legend click picks a stack', async () => {
    const dir = join(work, 'bench');
    cpSync(join(fixtures, 'bench-smoke'), dir, { recursive: true });
    const runs = readdirSync(join(dir, 'runs')).map(
      (k) => JSON.parse(readFileSync(join(dir, 'runs', k, 'result.json'), 'utf8')) as RunResult,
    );
    await writeBenchReport('smoke', runs, 4, dir);
    const { page, errors, remote } = await open(join(dir, 'summary.html'));
    await expectAllRendered(page, 4);
    const header = await page.$$eval('table:first-of-type th', (th) => th.map((x) => x.textContent));
    expect(header).toContain('eval success (final, greedy)');
    expect(header).toContain('training success (last 100 episodes)');
    // clicking a legend entry fades the other stacks' lines
    const opacities = (): Promise<string[]> =>
      page.$$eval('#chart-1 .mark-line path', (ps) => ps.map((p) => p.getAttribute('opacity') ?? '1'));
    expect(new Set(await opacities())).toEqual(new Set(['1']));
    // the symbols are zero-height strokes: click the first entry's label
    await page.locator('#chart-1 .role-legend-label text').first().click();
    await expect.poll(async () => (await opacities()).sort()).toEqual(['0.12', '1']);
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'bench-summary.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(remote).toEqual([]);
    await page.close();
  });
});

describe.skipIf(haveChromium)('HTML reports in a real browser', () => {
  it(`SKIPPED: no Chromium at ${CHROMIUM}; \`apt-get install -y chromium\` runs the browser test`, () => {
    expect(haveChromium).toBe(false);
  });
});
