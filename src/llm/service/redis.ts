import { Redis } from 'ioredis';
import { RxgymError } from '../../core/env.js';
import { redactUrl, type RedisTarget } from './redis-url.js';

export { redactUrl, redisTarget, type RedisConnectionOptions, type RedisTarget } from './redis-url.js';

/** Why a connection attempt failed, in words (never the password). */
function why(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err.code === 'ECONNREFUSED') return 'connection refused (is redis-server running there?)';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return 'unknown host';
  if (err.code === 'ETIMEDOUT') return 'no answer (timed out)';
  const m = redactUrl(err.message ?? String(e));
  if (/WRONGPASS|NOAUTH|invalid password|invalid username/i.test(m)) {
    return `authentication failed (${m.split('\n')[0]}); check the user and password (RXGYM_REDIS_PASSWORD)`;
  }
  if (/certificate|SSL|TLS|EPROTO/i.test(m)) return `TLS failed (${m}); give the server's CA with NODE_EXTRA_CA_CERTS`;
  return m;
}

/**
 * Check once, quickly, that Redis answers at `target` (connect + PING, no retries): a bad URL, a server that is not
 * running or a wrong password is one clear line naming the URL, instead of endless reconnect attempts.
 */
export async function checkRedis(target: RedisTarget, timeoutMs = 5000): Promise<void> {
  const probe = new Redis({
    ...target.options,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  // the connection's own error (ECONNREFUSED ...) says more than the rejection ("Connection is closed")
  let first: unknown;
  probe.on('error', (e) => {
    first ??= e;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    throw new RxgymError(`cannot reach Redis at ${target.shown}: ${why(first ?? e)}`);
  } finally {
    probe.disconnect();
  }
}

/** A connection for our own commands (checkpoint store, label cache), reconnecting by itself. */
export function openRedis(target: RedisTarget): Redis {
  return new Redis(target.options);
}

/**
 * Prints one line when the connection to Redis is lost and one when it is back, however many errors come between
 * (BullMQ and ioredis report every failed reconnect attempt).
 */
export class ConnectionReporter {
  private down = false;

  constructor(
    private readonly target: RedisTarget,
    private readonly log: (line: string) => void,
  ) {}

  /** An error from a Redis connection, a BullMQ worker or queue. */
  error(e: unknown): void {
    if (this.down) return;
    this.down = true;
    this.log(`lost Redis at ${this.target.shown}: ${why(e)}; reconnecting`);
  }

  /** Something succeeded against Redis again. */
  ok(): void {
    if (!this.down) return;
    this.down = false;
    this.log(`reconnected to Redis at ${this.target.shown}`);
  }
}
