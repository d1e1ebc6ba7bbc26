import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');
/** The command that runs the CLI from source. */
export const CLI = `node --import ${ROOT}/test/viz/ts-loader.mjs ${ROOT}/src/cli/main.ts`;

/** True when tmux is installed. */
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** A detached tmux session running one shell command in a real pseudo-terminal. */
export class TmuxSession {
  readonly name: string;
  constructor(command: string, cols: number, rows: number) {
    this.name = `rxgym-test-${process.pid}-${Math.floor(performance.now())}`;
    // After the command exits, print its exit code and keep the pane so the test can read the restored terminal.
    execFileSync(
      'tmux',
      [
        'new-session',
        '-d',
        '-s',
        this.name,
        '-x',
        String(cols),
        '-y',
        String(rows),
        `cd ${ROOT} && ${command}; echo "EXIT=$?"; sleep 120`,
      ],
      {
        env: { ...process.env, LANG: 'C.UTF-8', TERM: 'xterm-256color' },
      },
    );
  }
  /** What a person sees: the pane's text. */
  capture(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' });
  }
  /** Type keys (tmux key names: Space, Tab, q ...). */
  send(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }
  /** Wait until the screen matches, or fail with what it shows. */
  async waitFor(re: RegExp, timeoutMs = 30_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < until) {
      screen = this.capture();
      if (re.test(screen)) return screen;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`timed out waiting for ${re} on the screen:\n${screen}`);
  }
  kill(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name]);
  }
}
