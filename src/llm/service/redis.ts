import { isIP } from 'node:net';
import { Redis } from 'ioredis';
import { RxgymError } from '../../core/env.js';

/** ioredis connection options, as BullMQ takes them too (a type literal: BullMQ's option type is indexable). */
export type RedisConnectionOptions = {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: { servername?: string };
  maxRetriesPerRequest: null;
  retryStrategy: (times: number) => number;
};

/** A Redis server to connect to, parsed from a `redis://` or `rediss://` URL. */
export interface RedisTarget {
  /** The URL with its password replaced by `***`: the only form that is ever printed or written. */
  readonly shown: string;
  /** Connection options (password included; never print them). */
  readonly options: RedisConnectionOptions;
}

/** `url` with any password replaced by `***` (also inside text that merely contains a Redis URL). */
export function redactUrl(text: string): string {
  return text.replace(/(rediss?:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@');
}

/**
 * Parse a queue URL: `redis://[user[:password]@]host[:port][/db]`, or `rediss://` for TLS (the server's certificate
 * is checked against Node's CAs; a private CA is given with NODE_EXTRA_CA_CERTS). A password may also come from
 * RXGYM_REDIS_PASSWORD, which keeps it out of the process list.
 */
export function redisTarget(url: string, what = '--queue', env: NodeJS.ProcessEnv = process.env): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RxgymError(
      `${what}: "${redactUrl(url)}" is not a URL; expected redis://host:6379 (or rediss:// for TLS)`,
    );
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new RxgymError(`${what}: "${redactUrl(url)}" must start with redis:// or rediss://, not ${u.protocol}//`);
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new RxgymError(`${what}: "${redactUrl(url)}" names no host; expected redis://host:6379`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) {
    throw new RxgymError(`${what}: database "${dbText}" in "${redactUrl(url)}" must be a number (redis://host:6379/0)`);
  }
  const password = u.password !== '' ? decodeURIComponent(u.password) : env.RXGYM_REDIS_PASSWORD || undefined;
  const username = u.username !== '' ? decodeURIComponent(u.username) : undefined;
  const tls = u.protocol === 'rediss:' ? (isIP(host) ? {} : { servername: host }) : undefined;
  const auth = username || password ? `${username ?? ''}${password ? ':***' : ''}@` : '';
  const shown = `${u.protocol}//${auth}${u.host}${dbText ? `/${dbText}` : ''}`;
  return {
    shown,
    options: {
      host,
      port,
      db,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(tls ? { tls } : {}),
      // BullMQ needs this for blocking calls; commands wait for a reconnect instead of failing.
      maxRetriesPerRequest: null,
      // A restarted Redis is found again within a second or two.
      retryStrategy: (times: number) => Math.min(200 * times, 2000),
    },
  };
}

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
