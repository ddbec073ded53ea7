// Child processes the serving tests start and stop themselves: the compiled CLI and a private redis-server, all on
// 127.0.0.1 (free ports, bounded waits).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../packages/internimage/bin/internimage.js', import.meta.url));
export const REDIS_SERVER = '/usr/bin/redis-server';

export interface Started {
  child: ChildProcess;
  match: RegExpMatchArray;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/** Spawns `node BIN args…` and resolves once its output matches `ready` (rejects after `timeoutMs`); null: at once. */
export function startCli(args: string[], ready: RegExp | null, timeoutMs = 60_000): Promise<Started> {
  return startProcess(process.execPath, [BIN, ...args], ready, timeoutMs);
}

export function startProcess(command: string, args: string[], ready: RegExp | null, timeoutMs = 60_000): Promise<Started> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  if (!ready) {
    child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    return Promise.resolve({ child, match: [] as unknown as RegExpMatchArray, exited, output: () => out });
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not print ${ready} within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, exited, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (code ${code}, signal ${signal}) before it was ready:\n${out}`));
    });
  });
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RedisServer {
  url: string;
  /** Stops it (SIGTERM, then SIGKILL) and starts it again on the same port and data directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Why the Redis tests cannot run here, or undefined when they can. */
export const redisMissing = (): string | undefined =>
  existsSync(REDIS_SERVER) ? undefined : `${REDIS_SERVER} is not installed (apt-get install redis-server; .ci/run does it)`;

/**
 * A private redis-server on a free loopback port that keeps nothing on disk: a restart loses every key, the harshest
 * case for the clients (a production Redis behind BullMQ should keep an append-only file).
 */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no',
    '--maxmemory-policy', 'noeviction'];
  let current = await startProcess(REDIS_SERVER, args, /Ready to accept connections/, 20_000);
  const stop = async () => {
    current.child.kill('SIGTERM');
    const timer = setTimeout(() => current.child.kill('SIGKILL'), 5000);
    await current.exited;
    clearTimeout(timer);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    restart: async () => {
      await stop();
      current = await startProcess(REDIS_SERVER, args, /Ready to accept connections/, 20_000);
    },
  };
}
