import { afterEach, describe, expect, it } from 'vitest';
import { CLI, hasTmux, TmuxSession } from './tmux.js';

// A real pseudo-terminal: start `rxgym watch` in tmux, press keys, read the screen as a person would.
const sessions: TmuxSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

describe.skipIf(!hasTmux)('rxgym watch in a terminal (tmux)', () => {
  it('shows the layout, reacts to space/n/tab/+/r, quits with q and restores the terminal', async () => {
    const t = new TmuxSession(`${CLI} watch --env CartPole-v1 --num-envs 2 --sps 20 --seed 3`, 120, 36);
    sessions.push(t);
    let screen = await t.waitFor(/episodes\s+[1-9]/);
    expect(screen).toMatch(/world · env 0 · step \d+/);
    expect(screen).toMatch(/CartPole-v1 random/);
    expect(screen).toMatch(/state\s+running/);
    expect(screen).toMatch(/#/); // the cart, drawn by the env's ansi render
    expect(screen).toMatch(/space pause\/resume .* q quit/);

    t.send('Space');
    screen = await t.waitFor(/state\s+PAUSED/);
    const stepOf = (s: string): number => Number(/step\s+([\d,]+)\s+\d+:\d\d/.exec(s)![1]!.replace(/,/g, ''));
    const before = stepOf(screen);
    await new Promise((r) => setTimeout(r, 600));
    expect(stepOf(t.capture())).toBe(before); // paused: nothing moves
    t.send('n');
    await t.waitFor(new RegExp(`step\\s+${before + 2}\\s`)); // one step of each of the 2 envs

    t.send('Tab');
    await t.waitFor(/viewing 1/);
    await t.waitFor(/world · env 1/);
    t.send('+');
    await t.waitFor(/50 steps\/s/);
    t.send('r');
    await t.waitFor(/rewards \(detail; r to close\)/);
    t.send('r');
    await t.waitFor(/world · env 1/);

    t.send('q');
    screen = await t.waitFor(/EXIT=\d+/);
    expect(screen).toMatch(/EXIT=0/);
    expect(screen).not.toMatch(/[┌│└]/); // the alternate screen is gone: the terminal is restored
  });

  it('refuses a terminal that is too small, naming the size it needs, and leaves the terminal usable', async () => {
    const t = new TmuxSession(`${CLI} watch --env CartPole-v1`, 80, 24);
    sessions.push(t);
    const screen = await t.waitFor(/EXIT=\d+/);
    expect(screen).toMatch(/terminal is 80x24; rxgym watch needs at least 100x30/);
    expect(screen).toMatch(/EXIT=1/);
    expect(screen).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
});

describe.runIf(!hasTmux)('rxgym watch in a terminal (tmux)', () => {
  it.skip('skipped: tmux is not installed (apt-get install -y tmux) — the pseudo-terminal tests need it', () => {});
});
