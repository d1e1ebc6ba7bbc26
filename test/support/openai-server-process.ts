import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * A slow OpenAI-compatible chat server in its own process, as a real LLM server would be: every
 * /v1/chat/completions request is answered after `delayMs` with `text`. Used where the server's own CPU time must
 * not be charged to the process under measurement (the ONI non-blocking benchmark).
 */
const SCRIPT = `
import http from 'node:http';
const delayMs = Number(process.argv[1]);
const text = process.argv[2];
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    setTimeout(() => {
      let n = 1;
      try { n = JSON.parse(body).n ?? 1; } catch {}
      const choices = Array.from({ length: n }, (_, index) => ({ index, message: { role: 'assistant', content: text }, finish_reason: 'stop' }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', model: 'slow', choices, usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } }));
    }, delayMs);
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

export async function startOpenAiServerProcess(
  delayMs: number,
  text: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT, String(delayMs), text], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => resolve(Number(l)));
    child.once('exit', (code) => reject(new Error(`slow OpenAI server process exited with code ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
