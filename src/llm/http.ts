import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * One POST with node:http(s), for the LLM client. Not `fetch`: loading Node 20's fetch (undici) into a process made
 * the synchronous env stepping around it measurably slower (a random agent with ONI: 20–40% slower after one fetch
 * call, against no measurable change after one node:http request), and the client must not slow the agent down.
 */

/** Why a POST failed before a complete answer arrived. */
export class PostError extends Error {
  constructor(
    readonly kind: 'timeout' | 'unreachable' | 'broken' | 'cancelled',
    message: string,
  ) {
    super(message);
  }
}

const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

/**
 * POST `body` to `url`; resolves with the status and the whole answer text, rejects with a PostError. When `signal`
 * aborts, the socket is destroyed at once and the promise rejects with kind `cancelled`.
 */
export function postText(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new PostError('cancelled', 'request cancelled'));
      return;
    }
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new PostError('unreachable', `invalid URL ${url}`));
      return;
    }
    const secure = u.protocol === 'https:';
    let settled = false;
    let gotHeaders = false;
    const onAbort = (): void => fail(new PostError('cancelled', 'request cancelled'));
    const fail = (e: PostError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      req.destroy();
      reject(e);
    };
    const req = (secure ? httpsRequest : httpRequest)(
      {
        protocol: u.protocol,
        hostname: u.hostname,
        port: u.port || undefined,
        path: `${u.pathname}${u.search}`,
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        agent: secure ? httpsAgent : httpAgent,
      },
      (res: IncomingMessage) => {
        gotHeaders = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (settled) return;
          if (!res.complete) {
            fail(new PostError('broken', 'connection closed'));
            return;
          }
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('aborted', () => fail(new PostError('broken', 'connection closed')));
        res.on('error', () => fail(new PostError('broken', 'connection closed')));
      },
    );
    const timer = setTimeout(
      () => fail(new PostError('timeout', `no complete answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      fail(
        gotHeaders
          ? new PostError('broken', 'connection closed')
          : new PostError('unreachable', err.code ?? err.message),
      ),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}
