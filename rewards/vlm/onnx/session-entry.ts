/**
 * The worker side of the onnx encoder: one per process (onnxruntime-node's native addon loads in one thread only),
 * holding the sessions of every loaded model and answering one request at a time, raising the shared flag after
 * each reply is posted so that the blocked main thread wakes.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import type { SessionInit, SessionReply, SessionRequest } from './session-protocol.js';

const init = workerData as SessionInit & { port: MessagePort };
const flag = new Int32Array(init.flag);

function reply(m: SessionReply): void {
  init.port.postMessage(m);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

type Ort = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;
const models = new Map<number, { vision: Session; text: Session }>();
let ort: Ort | undefined;

const out = (s: Session, name: string): string => (s.outputNames.includes(name) ? name : s.outputNames[0]!);

async function handle(m: SessionRequest): Promise<SessionReply> {
  if (m.type === 'load') {
    try {
      ort ??= await import('onnxruntime-node');
    } catch (e) {
      return {
        type: 'error',
        message:
          `onnx encoder: the onnxruntime-node package cannot be loaded (${(e as Error).message}); install it ` +
          `with \`npm install onnxruntime-node\` (with onnxruntime-node-install=skip in .npmrc when offline)`,
      };
    }
    try {
      const opts = { intraOpNumThreads: m.threads, graphOptimizationLevel: 'all' as const };
      models.set(m.model, {
        vision: await ort.InferenceSession.create(m.vision, opts),
        text: await ort.InferenceSession.create(m.text, opts),
      });
      return { type: 'ready' };
    } catch (e) {
      return {
        type: 'error',
        message: `onnx encoder: cannot load the ONNX graphs of ${m.dir}: ${(e as Error).message}`,
      };
    }
  }
  const s = models.get(m.model);
  if (m.type === 'unload') {
    models.delete(m.model);
    await Promise.all([s?.vision.release(), s?.text.release()]);
    return { type: 'ready' };
  }
  if (!s || !ort) return { type: 'error', message: 'onnx encoder: the model is not loaded' };
  if (m.type === 'images') {
    const feeds = { [s.vision.inputNames[0]!]: new ort.Tensor('float32', m.pixels, [m.count, 3, m.height, m.width]) };
    const r = (await s.vision.run(feeds))[out(s.vision, 'image_embeds')]!;
    return { type: 'result', data: r.data as Float32Array, dims: [...r.dims] };
  }
  const n = m.count,
    L = m.length;
  const feeds: Record<string, InstanceType<Ort['Tensor']>> = {};
  for (const name of s.text.inputNames) {
    const v =
      name === 'attention_mask'
        ? m.mask
        : name === 'position_ids'
          ? BigInt64Array.from({ length: n * L }, (_, k) => BigInt(k % L))
          : m.ids;
    feeds[name] = new ort.Tensor('int64', v, [n, L]);
  }
  const r = (await s.text.run(feeds))[out(s.text, 'text_embeds')]!;
  return { type: 'result', data: r.data as Float32Array, dims: [...r.dims] };
}

init.port.on('message', (m: SessionRequest) => {
  handle(m).then(reply, (e: Error) =>
    reply({ type: 'error', message: `onnx encoder: inference failed: ${e.message}` }),
  );
});
