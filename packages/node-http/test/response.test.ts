import { get, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { countSocketWrites, encoder, sleep, start, until } from './helpers';

const SSE = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

describe('writing the response', () => {
  it('JSON answer goes out in one piece with Content-Length', async () => {
    const { url } = await start(async () => Response.json({ jsonrpc: '2.0', id: 1, result: {} }, { headers: { 'x-a': '1' } }));
    const res = await request(url, { method: 'POST', body: '{}' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['content-length']).toBe(String(JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} }).length));
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(res.headers['x-a']).toBe('1');
    expect(await res.body.json()).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
  });

  it('a body the core made from a string (Symbol.for("x-mcp.bodyText")) goes out as that string, in one piece', async () => {
    const text = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { text: 'héllo' } });
    let made: Response | undefined;
    const { url } = await start(async () => {
      made = new Response(text, { headers: { 'content-type': 'application/json' } });
      (made as unknown as Record<symbol, unknown>)[Symbol.for('x-mcp.bodyText')] = text;
      return made;
    });
    const res = await request(url, { method: 'POST', body: '{}' });
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(await res.body.text()).toBe(text);
    // The body stream was never read.
    expect(made!.bodyUsed).toBe(false);
  });

  it('a body-text response whose body was already read falls back to the stream (and its state)', async () => {
    const { url } = await start(async () => {
      const r = new Response('first', { headers: { 'content-type': 'text/plain' } });
      (r as unknown as Record<symbol, unknown>)[Symbol.for('x-mcp.bodyText')] = 'first';
      await r.text();
      return new Response('second', { headers: { 'content-type': 'text/plain' } });
    });
    const res = await request(url);
    expect(await res.body.text()).toBe('second');
  });

  it('HEAD on a body-text response sends no body', async () => {
    const { url } = await start(async () => {
      const r = new Response('abc', { headers: { 'content-type': 'text/plain' } });
      (r as unknown as Record<symbol, unknown>)[Symbol.for('x-mcp.bodyText')] = 'abc';
      return r;
    });
    const res = await request(url, { method: 'HEAD' });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('');
  });

  it('null bodies: Content-Length 0, and none on 204', async () => {
    const { url } = await start(async (req) => new Response(null, { status: req.url.endsWith('204') ? 204 : 202, statusText: 'Accepted' }));
    const accepted = await request(`${url}/202`);
    expect(accepted.statusCode).toBe(202);
    expect(accepted.headers['content-length']).toBe('0');
    await accepted.body.dump();
    const empty = await request(`${url}/204`);
    expect(empty.statusCode).toBe(204);
    expect(empty.headers['content-length']).toBeUndefined();
    await empty.body.dump();
  });

  it('keeps duplicate set-cookie headers', async () => {
    const { url } = await start(async () => {
      const headers = new Headers();
      headers.append('set-cookie', 'a=1; Path=/');
      headers.append('set-cookie', 'b=2; HttpOnly');
      headers.append('x-other', 'yes');
      return new Response('ok', { headers });
    });
    const res = await request(url);
    await res.body.dump();
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(res.headers['x-other']).toBe('yes');
  });

  it('a stream that ends in the same burst as its last chunk loses nothing (regression: end() while corked, Node 24)', async () => {
    const { url } = await start(async () =>
      new Response(
        new ReadableStream({
          pull: async (c) => {
            await sleep(5);
            c.enqueue(encoder.encode('a'));
            c.enqueue(encoder.encode('b'));
            c.close();
          },
        }),
      ),
    );
    for (let i = 0; i < 3; i++) {
      const res = await request(url);
      expect(await res.body.text()).toBe('ab');
    }
  });

  it('an SSE burst that ends at once leaves in one socket write, head and terminator included (regression: socket cork)', async () => {
    const server = await start(async () =>
      new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(encoder.encode('data: 1\n\n'));
            c.enqueue(encoder.encode('data: 2\n\n'));
            c.close();
          },
        }),
        { headers: SSE },
      ),
    );
    const sockets = countSocketWrites(server);
    for (let i = 0; i < 3; i++) {
      sockets.reset();
      const res = await request(server.url);
      expect(await res.body.text()).toBe('data: 1\n\ndata: 2\n\n');
      expect(sockets.writes()).toBe(1);
    }
  });

  it('a W2 call (an async tool that reports 10 progress events, then returns) leaves in one socket write', async () => {
    const { createMcp } = await import('@x/mcp-core');
    const mcp = createMcp({ name: 'w2', version: '1.0.0', keepAliveMs: 0 });
    mcp.tool('stream', {}, async (_args, ctx) => {
      for (let i = 1; i <= 10; i++) ctx.progress(i, 10);
      return { content: [{ type: 'text', text: 'done' }] };
    });
    const server = await start(mcp.handle);
    const sockets = countSocketWrites(server);
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const rpc = (id: number, method: string, params: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method, params });
    const init = await request(`${server.url}/mcp`, { method: 'POST', headers, body: rpc(1, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '0' } }) });
    await init.body.text();
    const session = { ...headers, 'mcp-session-id': String(init.headers['mcp-session-id']), 'mcp-protocol-version': '2025-11-25' };
    await (await request(`${server.url}/mcp`, { method: 'POST', headers: session, body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' })).body.text();
    for (let i = 0; i < 3; i++) {
      sockets.reset();
      const res = await request(`${server.url}/mcp`, { method: 'POST', headers: session, body: rpc(2, 'tools/call', { name: 'stream', arguments: {}, _meta: { progressToken: 'p' } }) });
      const text = await res.body.text();
      expect(res.headers['content-type']).toBe('text/event-stream');
      expect(text.match(/"method":"notifications\/progress"/g)).toHaveLength(10);
      expect(text).toContain('"result"');
      expect(sockets.writes()).toBe(1);
    }
    await mcp.close();
  });

  it('strips hop-by-hop headers from the Fetch response', async () => {
    const { url } = await start(async () =>
      new Response(new ReadableStream({ pull: async (c) => (await sleep(5), c.enqueue(encoder.encode('x')), c.close()) }), {
        headers: { connection: 'close', 'keep-alive': 'timeout=1', 'transfer-encoding': 'gzip', upgrade: 'h2c', 'proxy-connection': 'x', 'x-kept': '1' },
      }),
    );
    const res = await request(url);
    expect(await res.body.text()).toBe('x');
    expect(res.headers['x-kept']).toBe('1');
    expect(res.headers['keep-alive']).not.toBe('timeout=1');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers.upgrade).toBeUndefined();
    expect(res.headers['proxy-connection']).toBeUndefined();
    expect(res.headers.connection).not.toBe('close');
  });

  it('SSE is delivered incrementally: headers and the first event arrive before the second is produced', async () => {
    let secondProduced = false;
    const { url } = await start(async () => {
      const body = new ReadableStream<Uint8Array>({
        async start(c) {
          c.enqueue(encoder.encode('data: one\n\n'));
          await sleep(200);
          secondProduced = true;
          c.enqueue(encoder.encode('data: two\n\n'));
          c.close();
        },
      });
      return new Response(body, { headers: SSE });
    });
    const res = await request(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    const it = res.body[Symbol.asyncIterator]();
    const first = await it.next();
    expect(Buffer.from(first.value as Buffer).toString()).toBe('data: one\n\n');
    expect(secondProduced).toBe(false);
    let rest = '';
    for (let r = await it.next(); !r.done; r = await it.next()) rest += Buffer.from(r.value as Buffer).toString();
    expect(rest).toBe('data: two\n\n');
  });

  it('flushes headers before the first event when the stream sleeps first', async () => {
    let firstProduced = false;
    const { url } = await start(async () => {
      const body = new ReadableStream<Uint8Array>({
        async start(c) {
          await sleep(400);
          firstProduced = true;
          c.enqueue(encoder.encode('data: late\n\n'));
          c.close();
        },
      });
      return new Response(body, { headers: SSE });
    });
    const res = await request(url);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(firstProduced).toBe(false);
    expect(await res.body.text()).toBe('data: late\n\n');
  });

  it('HEAD on an endless stream returns promptly and cancels the body', async () => {
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    const { port } = await start(async (req) => {
      if (req.method === 'GET') return new Response('next');
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          timer = setInterval(() => c.enqueue(encoder.encode(': keep-alive\n\n')), 5);
        },
        cancel() {
          clearInterval(timer);
          cancelled = true;
        },
      });
      return new Response(body, { headers: SSE });
    });
    // A raw keep-alive connection that stays open after HEAD: only the adapter can cancel the body.
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (c: string) => (received += c));
    try {
      const began = Date.now();
      socket.write('HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect(await until(() => received.includes('\r\n\r\n'), 1000)).toBe(true);
      expect(Date.now() - began).toBeLessThan(1000);
      expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(received.toLowerCase()).toContain('content-type: text/event-stream');
      expect(await until(() => cancelled, 1000)).toBe(true);
      expect(socket.destroyed).toBe(false);
      // The HEAD response is complete, so the same connection serves the next request.
      received = '';
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect(await until(() => received.endsWith('next'), 1000)).toBe(true);
    } finally {
      socket.destroy();
      clearInterval(timer);
    }
  });

  it('slow reader backpressure: a pull-driven producer stays bounded while the client does not read', async () => {
    const CHUNK = 64 * 1024;
    const LIMIT = 1000;
    let produced = 0;
    let cancelled = false;
    const { port } = await start(async () => {
      const body = new ReadableStream<Uint8Array>(
        {
          pull(c) {
            // Capped so that a pump which ignores backpressure fails the assertion instead of exhausting memory.
            if (++produced >= LIMIT) c.close();
            else c.enqueue(new Uint8Array(CHUNK));
          },
          cancel() {
            cancelled = true;
          },
        },
        { highWaterMark: 0 },
      );
      return new Response(body, { headers: { 'content-type': 'application/octet-stream' } });
    });
    const req = get({ host: '127.0.0.1', port, path: '/' });
    const res = await new Promise<import('node:http').IncomingMessage>((r) => req.once('response', r));
    res.pause();
    await sleep(1000);
    const atRest = produced;
    await sleep(200);
    // Socket buffers (both kernels) plus a few chunks in flight; an unbounded pump would produce thousands.
    expect(produced).toBe(atRest);
    expect(produced).toBeLessThan(LIMIT / 2); // observed: ~60 chunks (about 4 MiB of socket buffers)
    // Reading resumes production.
    let received = 0;
    res.on('data', (c: Buffer) => (received += c.length));
    res.resume();
    expect(await until(() => produced > atRest + 10)).toBe(true);
    req.destroy();
    expect(await until(() => cancelled)).toBe(true);
    expect(received).toBeGreaterThan(0);
  });

  it('a body that is not a stream-ready Response (duck type with bad status) becomes a 500', async () => {
    const { url } = await start(async () => ({ status: 1000, statusText: '', headers: new Headers(), body: null }) as unknown as Response);
    const res = await request(url);
    expect(res.statusCode).toBe(500);
    expect(await res.body.json()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal error' } });
  });

  it('a body stream that errors after headers destroys the response and reports it', async () => {
    const errors: unknown[] = [];
    const { port } = await start(
      async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async start(c) {
              c.enqueue(encoder.encode('data: partial\n\n'));
              await sleep(50);
              c.error(new Error('producer broke'));
            },
          }),
          { headers: SSE },
        ),
      { onError: (e) => errors.push(e) },
    );
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/' }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve('end'));
        res.on('error', () => resolve('error'));
        res.on('aborted', () => resolve('aborted'));
      });
      req.on('error', () => resolve('error'));
      req.end();
    });
    expect(outcome).not.toBe('end');
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('producer broke');
  });
});
