import { fmtDuration, fmtInt, fmtNum, mean } from './format.js';
import { rgbToHalfBlocks } from './rgb-frame.js';
import { sparkline } from './sparkline.js';
import { recentMean, successRate, type ViewState } from './view-state.js';

const B = '\x1b[1m';
const DIM = '\x1b[2m';
const R = '\x1b[0m';
const GREEN = '\x1b[32m';
const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const CYAN = '\x1b[36m';

/** Cut a plain string to `width` characters. */
export function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Run status: env, step, SPS, episodes, return, success, pause state. */
export function statusText(s: ViewState, extra: { paused: boolean; speed: string; mode: 'train' | 'play' }): string {
  const rate = successRate(s);
  const elapsed = (s.lastTime - s.startTime) / 1000;
  const state = s.ended
    ? `${YELLOW}ended (${s.ended.reason})${R}`
    : extra.paused
      ? `${YELLOW}${B}PAUSED${R}`
      : `${GREEN}running${R}`;
  return [
    `${B}${s.env || '(starting)'}${R} ${DIM}${s.agent}${R}`,
    `state    ${state}  ${DIM}${extra.mode}${R}`,
    `step     ${fmtInt(s.step)}  ${DIM}${fmtDuration(elapsed)}${R}`,
    `SPS      ${fmtInt(s.sps)}  ${DIM}${extra.speed}${R}`,
    `episodes ${fmtInt(s.episodes)}  ${DIM}envs ${s.numEnvs} · viewing ${s.frameEnv}${R}`,
    `return   ${fmtNum(recentMean(s.returns, s.window))} ${DIM}(last ${Math.min(s.returns.length, s.window)}; len ` +
      `${fmtNum(mean(s.lengths), 1)})${R}`,
    `success  ${rate === undefined ? '-' : `${(rate * 100).toFixed(1)}%`}${s.firstSuccessStep !== undefined ? ` ${DIM}first @${fmtInt(s.firstSuccessStep)}${R}` : ''}`,
    `${CYAN}${sparkline(s.returnHistory, 34)}${R}`,
  ].join('\n');
}

/** Latest training statistics (losses, entropy, KL, learning rate ...). */
export function trainText(s: ViewState, width: number): string {
  const entries = Object.entries(s.train);
  if (entries.length === 0) return `${DIM}no update yet${R}`;
  const order = [
    'policy_loss',
    'policyLoss',
    'value_loss',
    'valueLoss',
    'entropy',
    'approx_kl',
    'approxKl',
    'kl',
    'clipfrac',
    'clipFrac',
    'lr',
    'learningRate',
  ];
  entries.sort((a, b) => rank(order, a[0]) - rank(order, b[0]) || a[0].localeCompare(b[0]));
  const lines = [`${DIM}update @${fmtInt(s.trainStep)}${R}`];
  for (const [k, v] of entries)
    lines.push(`${clip(k, Math.max(6, width - 12)).padEnd(Math.max(6, width - 12))}${fmtNum(v).padStart(10)}`);
  if (s.lastEval) {
    const e = s.lastEval;
    lines.push(
      `eval ${fmtNum(e.meanReturn)}±${fmtNum(e.stdReturn)}${e.successRate !== undefined ? ` ${(e.successRate * 100).toFixed(0)}%` : ''}`,
    );
  }
  return lines.join('\n');
}

function rank(order: string[], k: string): number {
  const i = order.indexOf(k);
  return i < 0 ? order.length : i;
}

/** Annotator queue and label counts per source. */
export function annotatorText(s: ViewState): string {
  const entries = Object.entries(s.annotators);
  if (entries.length === 0) return `${DIM}no annotator in this run${R}`;
  return entries
    .map(
      ([src, a]) =>
        `${B}${src}${R} labelled ${fmtInt(a.labelled)} queued ${fmtInt(a.queued)} pending ${fmtInt(a.pending)}` +
        `\n  cache ${fmtInt(a.cacheHits)} failures ${a.failures > 0 ? RED : ''}${fmtInt(a.failures)}${R}` +
        (a.dropped || a.unparsed ? ` dropped ${fmtInt(a.dropped ?? 0)} unparsed ${fmtInt(a.unparsed ?? 0)}` : ''),
    )
    .join('\n');
}

/** The component a reward part `source/part` belongs to (reward code's `components`), if it is one. */
function partOf(s: ViewState, name: string): { parent: string; part: string } | undefined {
  const i = name.indexOf('/');
  return i > 0 && s.rewardHistory[name.slice(0, i)] ? { parent: name.slice(0, i), part: name.slice(i + 1) } : undefined;
}

/**
 * One sparkline per reward component (scaled mean per batch); the parts a source reports (reward code's
 * `components`, named `source/part`) follow their component, indented, with their raw mean. `detailed` adds
 * raw/scaled/std/min/max.
 */
export function rewardsText(s: ViewState, width: number, detailed: boolean): string {
  const all = Object.keys(s.rewardHistory);
  if (all.length === 0) return `${DIM}no reward events yet${R}`;
  const names = all.filter((n) => !partOf(s, n)).flatMap((n) => [n, ...all.filter((p) => partOf(s, p)?.parent === n)]);
  const label = (n: string): string => {
    const p = partOf(s, n);
    return p ? ` ${p.part}` : n;
  };
  const nameW = Math.min(14, Math.max(...names.map((n) => label(n).length)));
  const lines: string[] = [];
  for (const n of names) {
    if (s.multipliers[n]) continue; // a constraint: its multiplier line below says more
    const h = s.rewardHistory[n]!;
    const latest = s.rewardLatest[n];
    const value = fmtNum(latest?.scaledMean ?? h[h.length - 1]).padStart(9);
    const sparkW = Math.max(4, width - nameW - 11);
    lines.push(`${clip(label(n), nameW).padEnd(nameW)} ${CYAN}${sparkline(h, sparkW).padEnd(sparkW)}${R}${value}`);
    if (detailed && latest) {
      const p = partOf(s, n);
      lines.push(
        p
          ? `${DIM}  raw ${fmtNum(latest.rawMean)} ±${fmtNum(latest.rawStd)} [${fmtNum(latest.min)}, ` +
              `${fmtNum(latest.max)}] part of ${p.parent} (unscaled)${R}`
          : `${DIM}  raw ${fmtNum(latest.rawMean)} ±${fmtNum(latest.rawStd)} [${fmtNum(latest.min)}, ` +
              `${fmtNum(latest.max)}] scaled ${fmtNum(latest.scaledMean)}${R}`,
      );
    }
  }
  lines.push(...multipliersText(s, width));
  return lines.join('\n');
}

/** One line per constraint component: λ over the batches (sparkline), its value, and J against θ. */
export function multipliersText(s: ViewState, width: number): string[] {
  const names = Object.keys(s.multipliers);
  if (names.length === 0) return [];
  const nameW = Math.min(12, Math.max(...names.map((n) => n.length)) + 2);
  const sparkW = Math.max(4, width - nameW - 26);
  return names.map((n) => {
    const m = s.multipliers[n]!;
    const rel = m.kind === 'atLeast' ? '>=' : '=';
    const j = m.episodeMean === undefined ? '-' : fmtNum(m.episodeMean);
    return (
      `${clip(`λ ${n}`, nameW).padEnd(nameW)} ` +
      `${YELLOW}${sparkline(s.multiplierHistory[n] ?? [], sparkW).padEnd(sparkW)}${R}` +
      `${fmtNum(m.value).padStart(7)} ${DIM}J ${j} ${rel} ${fmtNum(m.threshold)}${R}`
    );
  });
}

/** The last `height` log lines: dungeon messages (with labels once known), labels as they arrive, run notes. */
export function logText(s: ViewState, width: number, height: number): string {
  const lines = s.log.slice(-height).map((l) => {
    const tag =
      l.label !== undefined ? ` ${labelColour(l.label)}[${l.label}${l.model ? ` · ${l.model}` : ''}]${R}` : '';
    const tagLen = l.label !== undefined ? l.label.length + (l.model ? l.model.length + 3 : 0) + 3 : 0;
    const body = clip(l.text, Math.max(8, width - tagLen));
    switch (l.kind) {
      case 'label':
        return `${DIM}label${R} ${clip(l.text, Math.max(8, width - tagLen - 6))}${tag}`;
      case 'info':
        return `${DIM}${clip(l.text, width)}${R}`;
      case 'error':
        return `${RED}${clip(l.text, width)}${R}`;
      default:
        return `${body}${tag}`;
    }
  });
  return lines.join('\n');
}

function labelColour(label: string): string {
  const l = label.toLowerCase();
  if (l.startsWith('not') || l === '0' || l === 'unhelpful') return DIM;
  if (l.startsWith('help') || l === '1' || l === 'good') return GREEN;
  return YELLOW;
}

/**
 * The frame a reward source (vlm) scored last, in half-block cells fitting `width x height` with a header line
 * (source, step, env) and its raw and scaled reward below.
 */
export function scoredFrameText(s: ViewState, width: number, height: number): string {
  const f = s.scored;
  if (!f) return `${DIM}no scored frame yet${R}`;
  const head = clip(`${f.source} · step ${fmtInt(f.step)} · env ${f.envIndex}`, width);
  const body = rgbToHalfBlocks(f.frame, width, Math.max(1, height - 2));
  const foot = clip(`raw ${fmtNum(f.raw)}  scaled ${fmtNum(f.scaled)}`, width);
  return `${DIM}${head}${R}\n${body}\n${B}${foot}${R}`;
}

/** The key help line. */
export function helpText(mode: 'train' | 'play'): string {
  return (
    ` ${B}space${R} pause/resume  ${B}n${R} step (paused)  ${B}+/-${R} ` +
    `${mode === 'play' ? 'speed' : 'frame rate'}  ${B}tab${R} next env  ${B}r${R} reward panel  ${B}q${R} ` +
    `quit${mode === 'train' ? ' (checkpoint)' : ''}`
  );
}
