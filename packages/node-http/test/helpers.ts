import { connect, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import { serve, type NodeServer, type ServeOptions } from '@x/mcp-node-http';
import type { FetchHandler } from '@x/mcp-core';

const open = new Set<NodeServer>();

afterEach(async () => {
  await Promise.all([...open].map((s) => s.close()));
  open.clear();
});

/** Serve `handler` on an ephemeral 127.0.0.1 port; closed after each test. */
export async function start(handler: FetchHandler, options: Omit<ServeOptions, 'fetch'> = {}): Promise<NodeServer> {
  const server = await serve({ fetch: handler, port: 0, onError: () => {}, ...options });
  open.add(server);
  return server;
}

/** A raw TCP client of a test server on 127.0.0.1, for bytes no HTTP client would send; answers are read and dropped. */
export function rawClient(port: number): Socket {
  return connect(port, '127.0.0.1').on('data', () => {});
}

/**
 * Counts the writes that reach the sockets of `server` (each `_write` or `_writev` is one syscall's worth of data);
 * read `writes()` after a response, set it back with `reset()`.
 */
export function countSocketWrites(server: NodeServer): { writes: () => number; reset: () => void } {
  let writes = 0;
  server.server.on('connection', (socket: Socket & Record<string, unknown>) => {
    for (const name of ['_write', '_writev'] as const) {
      const original = socket[name] as (...args: unknown[]) => unknown;
      socket[name] = function (this: unknown, ...args: unknown[]) {
        writes++;
        return original.apply(this, args);
      };
    }
  });
  return { writes: () => writes, reset: () => void (writes = 0) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `check` every 10 ms, at most `ms`; returns its last value. */
export async function until(check: () => boolean, ms = 2000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) if (check()) return true;
  return check();
}

export const encoder = new TextEncoder();

export function sse(events: string[]): string {
  return events.map((e) => `data: ${e}\n\n`).join('');
}
