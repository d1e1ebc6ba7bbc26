import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of a test Redis. */
export interface TestRedisOptions {
  /** `requirepass` (the default user's password). */
  password?: string;
  /** Serve TLS only (rediss://) with a fresh self-signed certificate for 127.0.0.1; `caFile` names it. */
  tls?: boolean;
}

/** A real redis-server on 127.0.0.1, with its data in a temporary directory (AOF, so a restart keeps every job). */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>` (`rediss://` with TLS; the password in it when one is set). */
  readonly url: string;
  readonly port: number;
  /** The certificate clients must trust (TLS only): give it as NODE_EXTRA_CA_CERTS. */
  readonly caFile?: string;
  /** Everything the server printed (for failure messages). */
  log(): string;
  /** Stop the server (SIGTERM: it writes its AOF and exits), keeping its data. */
  stop(): Promise<void>;
  /** Start it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stop it and delete its data. */
  close(): Promise<void>;
}

/** True when `redis-server` is on PATH. */
export function redisInstalled(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A port nothing listens on (for "Redis unreachable" tests). */
export const closedPort = freePort;

function certificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl could not make a test certificate: ${r.stderr || r.error?.message}`);
  return { cert, key };
}

/**
 * Start a redis-server for a test. Fails with a clear message when it cannot start (not installed, no free port),
 * so that a test needing Redis never passes without it.
 */
export async function startRedis(opts: TestRedisOptions = {}): Promise<TestRedis> {
  if (!redisInstalled()) {
    throw new Error(
      'redis-server is not installed: the Redis tests need it (.ci/run installs it; or apt-get install redis-server)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'rxgym-redis-'));
  const tls = opts.tls ? certificate(dir) : undefined;
  let port = 0;
  let child: ChildProcess | undefined;
  let output = '';
  const conf = [
    'bind 127.0.0.1',
    `dir ${dir}`,
    'save ""',
    'appendonly yes',
    'appendfsync always',
    'maxmemory-policy noeviction',
    'daemonize no',
    'protected-mode no',
    ...(opts.password ? [`requirepass ${opts.password}`] : []),
    ...(tls
      ? [
          'port 0',
          `tls-cert-file ${tls.cert}`,
          `tls-key-file ${tls.key}`,
          `tls-ca-cert-file ${tls.cert}`,
          'tls-auth-clients no',
        ]
      : []),
  ];
  const launch = async (): Promise<void> => {
    const portLine = tls ? `tls-port ${port}` : `port ${port}`;
    writeFileSync(join(dir, 'redis.conf'), `${conf.join('\n')}\n${portLine}\n`);
    const c = spawn('redis-server', [join(dir, 'redis.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 20 s:\n${output}`)), 20_000);
      let mine = '';
      const onData = (d: Buffer): void => {
        output += d.toString();
        mine += d.toString();
        if (/Ready to accept connections/.test(mine)) {
          clearTimeout(timer);
          resolve();
        }
      };
      c.stdout!.on('data', onData);
      c.stderr!.on('data', onData);
      c.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with code ${code} before it was ready:\n${mine.slice(-2000)}`));
      });
    });
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (e) {
      // another process may have taken the port between asking and binding: try another
      if (attempt >= 3 || !/Address already in use/.test(String(e))) throw e;
    }
  }
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
  return {
    url: `${tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    port,
    ...(tls ? { caFile: tls.cert } : {}),
    log: () => output,
    stop,
    start: launch,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
