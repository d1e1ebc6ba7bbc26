// Issue 13, item 7: the ONI LLM annotator is not starved by training, and does not slow it down.
// 20k-step PPO runs on Dungeon-KeyRoom-S5-v0 (the sparse-dungeon settings) with ONI retrieval rewards, labelled by
// the rubric annotator or by an LLM annotator against a local OpenAI-compatible server that answers after 0 ms or
// 500 ms (its own process), disk cache on (a fresh cache directory per run, so every label is a cache miss first).
// Each run is `rxgym run` from dist/ in a child process; the configurations are interleaved over ROUNDS rounds.
// Reported per run: steps/s, steps per CPU-second of the training process (all its threads, the LLM worker included:
// steadier than wall time on a shared machine), distinct messages seen, labels that reached the reward model within
// the run; then the median of each configuration over the rubric's.
// Run: npm run build && node test/bench/oni-annotation.mjs [rounds=2] [steps=20000]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const ROUNDS = Number(process.argv[2] ?? 2);
const STEPS = Number(process.argv[3] ?? 20_000);
const LABEL = '<reasoning>judged</reasoning><label>HELPFUL</label>';

// An OpenAI-compatible chat server in its own process, answering every request after `delayMs`.
const SERVER = `
import http from 'node:http';
const delayMs = Number(process.argv[1]), text = process.argv[2];
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => setTimeout(() => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'chat.completion', model: 'bench',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] }));
  }, delayMs));
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startServer(delayMs) {
  const args = ['--input-type=module', '-e', SERVER, String(delayMs), LABEL];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise((resolve) => lines.once('line', (l) => resolve(Number(l))));
  return { url: `http://127.0.0.1:${port}/v1`, close: () => child.kill() };
}

function scenario(dir, name, oni, llm) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      'env: { id: Dungeon-KeyRoom-S5-v0, numEnvs: 8, kwargs: { observationKeys: [glyphs_crop, blstats, message] } }',
      'agent:',
      '  { type: ppo, numSteps: 128, entCoef: 0.01, network: { glyph: { embedDim: 8, channels: [], features: 128 } } }',
      'rewards:',
      '  - { source: extrinsic, weight: 1 }',
      `  - { source: oni, weight: 0.04, model: retrieval, ${oni} }`,
      ...(llm ? [`llm: ${JSON.stringify(llm)}`] : []),
      `budget: { steps: ${STEPS} }`,
      'seed: 1',
      'eval: { every: 0, episodes: 1 }',
      '',
    ].join('\n'),
  );
  return file;
}

// Preloaded into each run: its CPU time (user + system, every thread) written at exit.
const CPU_HOOK = `import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(process.env.RXGYM_BENCH_CPU, JSON.stringify(process.cpuUsage())));`;

function run(file, out) {
  return new Promise((resolve, reject) => {
    const cpuFile = join(out, '..', `${basename(out)}.cpu.json`);
    const hook = `data:text/javascript,${encodeURIComponent(CPU_HOOK)}`;
    const args = ['--import', hook, BIN, 'run', file, '--quiet', '--out', out];
    const env = { ...process.env, RXGYM_BENCH_CPU: cpuFile };
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`rxgym run ${file} exited ${code}: ${err}`));
      const cpu = JSON.parse(readFileSync(cpuFile, 'utf8'));
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      resolve({ ...summary, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'rxgym-oni-annotation-'));
const fast = await startServer(0),
  slow = await startServer(500);
const configs = [
  { name: 'rubric', oni: 'annotator: rubric' },
  { name: 'llm-0ms', oni: 'annotator: llm', server: fast },
  { name: 'llm-500ms', oni: 'annotator: llm', server: slow },
];
const sps = Object.fromEntries(configs.map((c) => [c.name, []]));
const cpuSps = Object.fromEntries(configs.map((c) => [c.name, []]));
try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of configs) {
      const tag = `${c.name}-r${r}`;
      const llm = c.server ? { baseUrl: c.server.url, cacheDir: join(dir, `cache-${tag}`) } : undefined;
      const s = await run(scenario(dir, tag, c.oni, llm), join(dir, `run-${tag}`));
      const a = s.annotators?.oni ?? {};
      const distinct = s.explore?.distinctMessages ?? a.messages;
      sps[c.name].push(s.stepsPerSecond);
      const perCpu = s.steps / s.cpuSeconds;
      cpuSps[c.name].push(perCpu);
      const share = distinct ? ((100 * a.labelled) / distinct).toFixed(0) : '?';
      console.log(
        `${tag}: ${s.steps} steps, ${s.stepsPerSecond.toFixed(0)} steps/s, ` +
          `${perCpu.toFixed(0)} steps/CPU-s, ` +
          `labelled ${a.labelled} of ${distinct} distinct messages (${share}%), ` +
          `failures ${a.failures ?? 0}, dropped ${a.dropped ?? 0}`,
      );
    }
  }
} finally {
  fast.close();
  slow.close();
}
const median = (x) => [...x].sort((p, q) => p - q)[Math.floor((x.length - 1) / 2)];
for (const c of configs.slice(1)) {
  const m = median(sps[c.name]),
    base = median(sps.rubric);
  const mc = median(cpuSps[c.name]),
    basec = median(cpuSps.rubric);
  console.log(
    `${c.name}: ${m.toFixed(0)} steps/s = ${(m / base).toFixed(2)}x the rubric's ${base.toFixed(0)}, ` +
      `${mc.toFixed(0)} steps/CPU-s = ${(mc / basec).toFixed(2)}x the rubric's ${basec.toFixed(0)}`,
  );
}
