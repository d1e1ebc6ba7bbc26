import { isIP } from 'node:net';
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
