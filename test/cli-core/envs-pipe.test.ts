import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

describe('rxgym envs into a pipe closed early (`rxgym envs --json | head`)', () => {
  it('exits quietly: no EPIPE stack, exit code 0', async () => {
    const args = [BIN, 'envs', '--json', '--family', 'classic'];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader goes away before the listing is written, as `head` does once it has its lines.
    p.stdout.destroy();
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => p.on('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
  });
});
