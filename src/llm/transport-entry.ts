/**
 * The worker thread of OffThreadChat (run as compiled JS: dist/src/llm/transport-entry.js): an LLM client and its
 * ChatQueue with an event loop of their own, so cache reads, connections and answers never wait for the training
 * thread. Results and counters go back through the port the parent gave.
 */
import { workerData } from 'node:worker_threads';
import { ChatQueue } from './chat-queue.js';
import { clientFromResolved } from './client.js';
import type { ChatJobResult, TransportInit, TransportReply, TransportRequest } from './transport-protocol.js';

const init = workerData as TransportInit;
const port = init.port;
const send = (m: TransportReply): void => port.postMessage(m);
const onResult = (result: ChatJobResult): void => send({ type: 'result', result, stats: queue.stats() });
const onChange = (): void => send({ type: 'stats', stats: queue.stats() });
// the shared annotation service (Redis), or an LLM server asked directly; BullMQ is loaded only for the service, so
// that a direct client starts as fast as before (requests posted meanwhile wait in the port)
const queue: Pick<ChatQueue, 'push' | 'stats' | 'close'> = init.queue
  ? new (await import('./service/queue-chat.js')).QueueChat(init.queue, onResult, onChange)
  : new ChatQueue(
      clientFromResolved(init.llm!),
      { maxQueue: init.maxQueue, concurrency: init.concurrency, order: init.order },
      onResult,
      onChange,
    );
port.on('message', (m: TransportRequest) => {
  if (m.type === 'submit') queue.push(m.jobs);
  else {
    queue.close();
    port.close();
  }
});
