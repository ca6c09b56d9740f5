import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '@x/mcp-core';
import { rawClient, start, until } from './helpers';

describe('lazy request', () => {
  it('passes instanceof Request and serves method, url and headers', async () => {
    let seen: Record<string, unknown> = {};
    const { port, url } = await start(async (req) => {
      seen = {
        isRequest: req instanceof Request,
        tag: Object.prototype.toString.call(req),
        method: req.method,
        url: req.url,
        custom: req.headers.get('x-custom'),
        host: req.headers.get('host'),
        sameHeaders: req.headers === req.headers,
      };
      return Response.json({ ok: true });
    });
    const res = await request(`${url}/mcp/path?q=1&b=two`, { method: 'PUT', headers: { 'x-custom': 'a' }, body: '' });
    await res.body.text();
    expect(seen).toEqual({
      isRequest: true,
      tag: '[object Request]',
      method: 'PUT',
      url: `http://127.0.0.1:${port}/mcp/path?q=1&b=two`,
      custom: 'a',
      host: `127.0.0.1:${port}`,
      sameHeaders: true,
    });
  });

  it('url keeps the Host authority for odd targets (protocol-relative path, absolute form, bad Host)', async () => {
    const seen: string[] = [];
    const { port } = await start(async (req) => {
      seen.push(req.url);
      return new Response('ok');
    });
    const socket = rawClient(port);
    socket.write('GET //evil.example/x?y=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    socket.write('GET http://other.example/abs?z HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    socket.write('GET /a/../b HTTP/1.1\r\nHost: bad/host@x\r\n\r\n');
    expect(await until(() => seen.length === 3)).toBe(true);
    socket.destroy();
    expect(seen).toEqual(['http://127.0.0.1//evil.example/x?y=1', 'http://127.0.0.1/abs?z', 'http://localhost/b']);
  });

  it('joins repeated headers like Fetch does', async () => {
    let accept: string | null = null;
    const { url } = await start(async (req) => {
      accept = req.headers.get('accept');
      return new Response(null, { status: 204 });
    });
    const res = await request(url, { headers: ['accept', 'application/json', 'accept', 'text/event-stream'] });
    await res.body.dump();
    expect(accept).toBe('application/json, text/event-stream');
  });

  it('reads text(), json() and arrayBuffer() from the socket', async () => {
    const { url } = await start(async (req) => {
      const kind = new URL(req.url).searchParams.get('as');
      if (kind === 'json') return Response.json(await req.json());
      if (kind === 'buf') return new Response(String((await req.arrayBuffer()).byteLength));
      return new Response(await req.text());
    });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', note: 'héllo' });
    const post = (as: string) => request(`${url}/?as=${as}`, { method: 'POST', body }).then((r) => r.body.text());
    expect(await post('text')).toBe(body);
    expect(JSON.parse(await post('json'))).toEqual(JSON.parse(body));
    expect(await post('buf')).toBe(String(Buffer.byteLength(body)));
  });

  it('rejects a second body read with TypeError "Body is unusable"', async () => {
    let second: unknown;
    let usedAfter = false;
    const { url } = await start(async (req) => {
      const first = await req.text();
      second = await req.text().catch((e: unknown) => e);
      usedAfter = req.bodyUsed;
      return new Response(first);
    });
    const res = await request(url, { method: 'POST', body: 'once' });
    expect(await res.body.text()).toBe('once');
    expect(second).toBeInstanceOf(TypeError);
    expect((second as Error).message).toBe('Body is unusable');
    expect(usedAfter).toBe(true);
  });

  it('gives a ReadableStream body over the socket, and null for GET', async () => {
    const { url } = await start(async (req) => {
      if (req.method === 'GET') return new Response(String(req.body));
      let total = 0;
      for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) total += chunk.byteLength;
      return new Response(String(total));
    });
    expect(await (await request(url)).body.text()).toBe('null');
    const big = Buffer.alloc(300_000, 'a');
    expect(await (await request(url, { method: 'POST', body: big })).body.text()).toBe('300000');
  });

  it('oversized body: text() rejects with BodyTooLargeError / 413, and the handler can answer 413', async () => {
    let caught: { name?: string; status?: number } = {};
    const { url } = await start(
      async (req) => {
        try {
          await req.text();
          return new Response('read');
        } catch (error) {
          caught = error as typeof caught;
          return new Response('too large', { status: 413 });
        }
      },
      { maxBodyBytes: 1024 },
    );
    // Declared length over the limit, and a chunked body that only grows over it while streaming.
    const declared = await request(url, { method: 'POST', body: Buffer.alloc(5000) });
    expect(declared.statusCode).toBe(413);
    expect(await declared.body.text()).toBe('too large');
    expect(caught).toMatchObject({ name: 'BodyTooLargeError', status: 413 });
    caught = {};
    async function* chunks() {
      for (let i = 0; i < 10; i++) yield Buffer.alloc(512, 'x');
    }
    const streamed = await request(url, { method: 'POST', body: Readable.from(chunks()) });
    expect(streamed.statusCode).toBe(413);
    await streamed.body.dump();
    expect(caught).toMatchObject({ name: 'BodyTooLargeError', status: 413 });
  });

  it('the body stream obeys the same limit', async () => {
    const { url } = await start(
      async (req) => {
        const error = await new Response(req.body).text().catch((e: Error & { status?: number }) => e);
        return new Response(typeof error === 'string' ? 'read' : `${error.name} ${error.status}`, { status: 413 });
      },
      { maxBodyBytes: 1000 },
    );
    async function* chunks() {
      for (let i = 0; i < 4; i++) yield Buffer.alloc(400, 'x');
    }
    const res = await request(url, { method: 'POST', body: Readable.from(chunks()) });
    expect(res.statusCode).toBe(413);
    expect(await res.body.text()).toBe('BodyTooLargeError 413');
  });

  it('other members materialise a native Request lazily (clone, blob, cache)', async () => {
    const { url } = await start(async (req) => {
      const copy = req.clone();
      const [a, b] = await Promise.all([copy.text(), req.blob().then((x) => x.text())]);
      return Response.json({ a, b, cache: req.cache, cloneIsRequest: copy instanceof Request });
    });
    const res = await request(url, { method: 'POST', body: 'payload' });
    expect(await res.body.json()).toEqual({ a: 'payload', b: 'payload', cache: 'default', cloneIsRequest: true });
  });

  it('a used body stays used after the native Request materialises', async () => {
    let state: unknown[] = [];
    const { url } = await start(async (req) => {
      const text = await req.text();
      const mode = req.mode; // materialises
      state = [text, mode, req.bodyUsed, await req.text().catch((e: Error) => e.message)];
      return new Response('ok');
    });
    await (await request(url, { method: 'POST', body: 'abc' })).body.text();
    expect(state).toEqual(['abc', 'cors', true, 'Body is unusable']);
  });

  it('console.log / util.inspect does not throw', async () => {
    let printed = '';
    const { url } = await start(async (req) => {
      printed = inspect(req);
      return new Response('ok');
    });
    await (await request(`${url}/x`)).body.text();
    expect(printed).toMatch(/^Request \{/);
    expect(printed).toContain("method: 'GET'");
    expect(printed).toContain('/x');
  });

  it('parsedBody passes through: context.parsedBody, and text() serves it once the stream was consumed', async () => {
    const { toNodeHandler } = await import('@x/mcp-node-http');
    const { createServer } = await import('node:http');
    let context: RequestContext | undefined;
    let text = '';
    const handler = toNodeHandler(async (req, ctx) => {
      context = ctx;
      text = await req.text();
      return new Response('ok');
    });
    // An Express-like host: body-parser drains the stream first, then calls the handler.
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => void handler(req, res, JSON.parse(Buffer.concat(chunks).toString())));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const res = await request(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{ "a" : [1, 2] }' });
      expect(await res.body.text()).toBe('ok');
      expect(context?.parsedBody).toEqual({ a: [1, 2] });
      expect(text).toBe('{"a":[1,2]}');
      expect(context?.remoteAddress).toBe('127.0.0.1');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
