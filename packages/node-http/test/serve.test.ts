import { get } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { serve, toNodeHandler, toWebRequest, sendWebResponse } from '@x/mcp-node-http';
import { encoder, sleep, start, until } from './helpers';

describe('serve()', () => {
  it('listens on 127.0.0.1 with port 0, reports the real port, and disables requestTimeout', async () => {
    let listened: { port: number; hostname: string; url: string } | undefined;
    const s = await start(async () => new Response('hi'), { onListen: (info) => (listened = info) });
    expect(s.port).toBeGreaterThan(0);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    expect(listened).toEqual({ port: s.port, hostname: '127.0.0.1', url: s.url });
    expect(s.server.requestTimeout).toBe(0);
    expect(s.server.headersTimeout).toBeGreaterThan(0);
    expect(await (await request(s.url)).body.text()).toBe('hi');
  });

  it('close() resolves while an SSE stream is open, and cancels that stream', async () => {
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    const s = await serve({
      port: 0,
      fetch: async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(c) {
              c.enqueue(encoder.encode('data: open\n\n'));
              timer = setInterval(() => c.enqueue(encoder.encode(': ping\n\n')), 50);
            },
            cancel() {
              clearInterval(timer);
              cancelled = true;
            },
          }),
          { headers: { 'content-type': 'text/event-stream' } },
        ),
    });
    await new Promise<void>((resolve) => {
      const req = get(s.url, (res) => res.once('data', () => resolve()));
      req.on('error', () => {});
    });
    const began = Date.now();
    await s.close();
    expect(Date.now() - began).toBeLessThan(2000);
    expect(s.server.listening).toBe(false);
    expect(await until(() => cancelled)).toBe(true);
    await s.close(); // idempotent
    clearInterval(timer);
  });

  it('rejects when the port is taken', async () => {
    const first = await start(async () => new Response('a'));
    await expect(serve({ port: first.port, fetch: async () => new Response('b') })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('early responses', () => {
  it('early 413 without reading a 10 MiB body reaches the client as 413, not ECONNRESET', async () => {
    const { url } = await start(async () => new Response('too large', { status: 413 }));
    const res = await request(url, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024, 'a') });
    expect(res.statusCode).toBe(413);
    expect(await res.body.text()).toBe('too large');
  });

  it('early 413 after the limit tripped mid-read (paused stream) also reaches the client, and the server keeps serving', async () => {
    const { url } = await start(
      async (req) => {
        if (req.method === 'GET') return new Response('alive');
        const failed = await req.text().then(
          () => null,
          (e: { status?: number }) => e.status,
        );
        return new Response(null, { status: failed ?? 200 });
      },
      { maxBodyBytes: 64 * 1024 },
    );
    async function* body() {
      for (let i = 0; i < 160; i++) yield Buffer.alloc(64 * 1024, 'b'); // 10 MiB, chunked (no Content-Length)
    }
    const res = await request(url, { method: 'POST', body: Readable.from(body()) });
    expect(res.statusCode).toBe(413);
    await res.body.dump();
    expect(await (await request(url)).body.text()).toBe('alive');
  });
});

describe('early-response drain', () => {
  const paused413 = (maxBodyBytes: number) =>
    start(
      async (req) => {
        if (req.method === 'GET') return new Response('alive');
        await req.text().catch(() => {}); // trips the limit: the request is left paused mid-body
        return new Response(null, { status: 413 });
      },
      { maxBodyBytes },
    );

  function raw(port: number) {
    const socket = connect(port, '127.0.0.1');
    const state = { received: '', closed: false };
    socket.setEncoding('utf8').on('data', (c: string) => (state.received += c));
    socket.on('close', () => (state.closed = true)).on('error', () => {});
    return { socket, state };
  }

  it('drains the unread body after an early 413 so the keep-alive connection serves the next request', async () => {
    const { port } = await paused413(64 * 1024);
    const { socket, state } = raw(port);
    try {
      const half = Buffer.alloc(1024 * 1024, 'a');
      socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${2 * half.length}\r\n\r\n`);
      socket.write(half);
      expect(await until(() => state.received.startsWith('HTTP/1.1 413'))).toBe(true);
      socket.write(half);
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect(await until(() => state.received.endsWith('alive'))).toBe(true);
    } finally {
      socket.destroy();
    }
  });

  it('gives up on a client that stops sending after an early 413: the socket is closed, not left paused', async () => {
    const { port } = await paused413(64 * 1024);
    const { socket, state } = raw(port);
    try {
      socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`);
      socket.write(Buffer.alloc(256 * 1024, 'a'));
      expect(await until(() => state.received.startsWith('HTTP/1.1 413'))).toBe(true);
      expect(await until(() => state.closed, 3000)).toBe(true);
    } finally {
      socket.destroy();
    }
  });
});

describe('building blocks', () => {
  it('toWebRequest + sendWebResponse work on a plain node:http server', async () => {
    const { createServer } = await import('node:http');
    const server = createServer(async (req, res) => {
      const request = toWebRequest(req);
      await sendWebResponse(res, new Response(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const res = await request(`http://127.0.0.1:${port}/p`, { method: 'POST', body: 'b' });
      expect(await res.body.text()).toBe('POST /p b');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('toNodeHandler reports handler throws to console.error by default', async () => {
    const { createServer } = await import('node:http');
    const logged: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    const server = createServer(toNodeHandler(async () => Promise.reject(new Error('x'))));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      expect((await request(`http://127.0.0.1:${port}/`)).statusCode).toBe(500);
      await sleep(10);
      expect(logged.flat()).toContainEqual(new Error('x'));
    } finally {
      console.error = original;
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
