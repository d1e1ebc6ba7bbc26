/**
 * The worker side of OnnxClip: holds the two onnxruntime sessions and answers one request at a time, waking the
 * waiting main thread through the shared flag after each reply is posted.
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

async function main(): Promise<void> {
  let ort: Ort;
  try {
    ort = await import('onnxruntime-node');
  } catch (e) {
    reply({ type: 'error', message: `onnx encoder: the onnxruntime-node package is not installed (${(e as Error).message}); install it with \`npm install onnxruntime-node\` (with onnxruntime-node-install=skip in .npmrc when offline)` });
    return;
  }
  let vision: Session, text: Session;
  try {
    const opts = { intraOpNumThreads: init.threads, graphOptimizationLevel: 'all' as const };
    vision = await ort.InferenceSession.create(init.vision, opts);
    text = await ort.InferenceSession.create(init.text, opts);
  } catch (e) {
    reply({ type: 'error', message: `onnx encoder: cannot load the ONNX graphs of ${init.dir}: ${(e as Error).message}` });
    return;
  }
  const out = (s: Session, name: string): string => (s.outputNames.includes(name) ? name : s.outputNames[0]!);
  reply({ type: 'ready', vision: { inputs: [...vision.inputNames], output: out(vision, 'image_embeds') }, text: { inputs: [...text.inputNames], output: out(text, 'text_embeds') } });
  init.port.on('message', (m: SessionRequest) => {
    void (async () => {
      try {
        if (m.type === 'images') {
          const feeds = { [vision.inputNames[0]!]: new ort.Tensor('float32', m.pixels, [m.count, 3, m.height, m.width]) };
          const r = (await vision.run(feeds))[out(vision, 'image_embeds')]!;
          reply({ type: 'result', data: r.data as Float32Array, dims: [...r.dims] });
        } else {
          const n = m.count, L = m.length;
          const feeds: Record<string, InstanceType<Ort['Tensor']>> = {};
          for (const name of text.inputNames) {
            const v = name === 'attention_mask' ? m.mask : name === 'position_ids' ? BigInt64Array.from({ length: n * L }, (_, k) => BigInt(k % L)) : m.ids;
            feeds[name] = new ort.Tensor('int64', v, [n, L]);
          }
          const r = (await text.run(feeds))[out(text, 'text_embeds')]!;
          reply({ type: 'result', data: r.data as Float32Array, dims: [...r.dims] });
        }
      } catch (e) {
        reply({ type: 'error', message: `onnx encoder: inference failed: ${(e as Error).message}` });
      }
    })();
  });
}

void main();
