/**
 * The worker thread of OffThreadChat (run as compiled JS: dist/src/llm/transport-entry.js): an LLM client and its
 * ChatQueue with an event loop of their own, so cache reads, connections and answers never wait for the training
 * thread. Results and counters go back through the port the parent gave.
 */
import { workerData } from 'node:worker_threads';
import { ChatQueue } from './chat-queue.js';
import { clientFromResolved } from './client.js';
import type { TransportInit, TransportReply, TransportRequest } from './transport-protocol.js';

const init = workerData as TransportInit;
const port = init.port;
const send = (m: TransportReply): void => port.postMessage(m);
const queue = new ChatQueue(
  clientFromResolved(init.llm),
  { maxQueue: init.maxQueue, concurrency: init.concurrency, order: init.order },
  (result) => send({ type: 'result', result, stats: queue.stats() }),
  () => send({ type: 'stats', stats: queue.stats() }),
);
port.on('message', (m: TransportRequest) => {
  if (m.type === 'submit') queue.push(m.jobs);
  else {
    queue.close();
    port.close();
  }
});
