// The adapter's fast paths (lazy headers, the URL built without parsing, lazy core responses) must be
// indistinguishable from the native objects they stand in for.
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createMcp, type RequestContext } from '@x/mcp-core';
import { rawClient, sleep, start, until } from './helpers';

describe('request url without URL parsing (regression: same href as WHATWG URL parsing)', () => {
  const hosts = ['127.0.0.1', 'LocalHost:3000', 'example.com.', 'a_b.example:65535', 'localhost:80', '127.1', '0x7f.0.0.1', 'foo.123', 'h:0080', 'h:70000'];
  const targets = ['/mcp', '/mcp?x=1&y=2', '/a/./b', '/a/%2E%2e/b', "/q?it's", '/a//b', '/~u/(x)*;=:@', '/a%zz', '/.well-known/x', '/%7e', '/x?y=/./z'];

  it.each(hosts)('Host %s', async (host) => {
    const seen: string[] = [];
    const { port } = await start(async (req) => {
      seen.push(req.url);
      return new Response(null, { status: 204 });
    });
    const socket = rawClient(port);
    for (const t of targets) socket.write(`GET ${t} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(await until(() => seen.length === targets.length)).toBe(true);
    socket.destroy();
    const expected = targets.map((t) => {
      try {
        return new URL(`http://${host}${t}`).href;
      } catch {
        // A Host URL parsing rejects: answered as localhost, with the target kept.
        return new URL(`http://localhost${t}`).href;
      }
    });
    expect(seen).toEqual(expected);
  });
});

describe('lazy request headers', () => {
  it('get and has read the raw list (any case, repeats joined); anything else sees a native Headers', async () => {
    let out: Record<string, unknown> = {};
    const { url } = await start(async (req) => {
      const h = req.headers;
      out = {
        isHeaders: h instanceof Headers,
        tag: Object.prototype.toString.call(h),
        accept: h.get('Accept'),
        missing: h.get('x-missing'),
        has: h.has('X-ONE'),
        hasNot: h.has('x-missing'),
      };
      const names = [...h.keys()];
      h.set('x-added', 'yes');
      out.names = names;
      out.added = h.get('x-added');
      out.entries = Object.fromEntries(h.entries());
      return new Response(null, { status: 204 });
    });
    const res = await request(url, { headers: ['accept', 'application/json', 'Accept', 'text/event-stream', 'x-one', '1'] });
    await res.body.dump();
    expect(out).toMatchObject({
      isHeaders: true,
      tag: '[object Headers]',
      accept: 'application/json, text/event-stream',
      missing: null,
      has: true,
      hasNot: false,
      added: 'yes',
    });
    // Iteration is the native one: sorted, lower case, repeats combined.
    expect(out.names).toEqual(['accept', 'connection', 'host', 'x-one']);
    expect((out.entries as Record<string, string>).accept).toBe('application/json, text/event-stream');
  });
});

describe('lazy request headers: names compared without case', () => {
  it('finds a raw name in any case, and never takes another name of the same length for it', async () => {
    let out: Record<string, unknown> = {};
    const { port } = await start(async (req) => {
      const h = req.headers;
      out = {
        length: h.get('content-length'),
        sid: h.get('mcp-session-id'),
        sidUpper: h.get('MCP-Session-ID'),
        origin: h.get('origin'),
        accept: h.get('accept'),
        unicode: h.get('accépt'),
      };
      return new Response(null, { status: 204 });
    });
    // Content-Length and Mcp-Session-Id both have 14 characters, Accept and Origin 6.
    const socket = rawClient(port);
    socket.write('POST /mcp HTTP/1.1\r\nHost: x\r\nCONTENT-LENGTH: 2\r\nMcp-Session-Id: abc\r\nACCEPT: */*\r\n\r\n{}');
    expect(await until(() => out.length !== undefined)).toBe(true);
    socket.destroy();
    expect(out).toEqual({ length: '2', sid: 'abc', sidUpper: 'abc', origin: null, accept: '*/*', unicode: null });
  });
});

describe('the body handed to the core without a promise (bodyTextNow)', () => {
  /** A handler that records what bodyTextNow gave and what a read of the request then does. */
  const recorder = () => {
    const seen: { now: string | undefined; read: string }[] = [];
    const handler = async (req: Request, ctx?: RequestContext) => {
      const now = ctx?.bodyTextNow?.();
      const read = await req.text().then(
        (t) => `text: ${t}`,
        (e: Error) => `rejected: ${e.message}`,
      );
      seen.push({ now, read });
      return new Response(null, { status: 204 });
    };
    return { seen, handler };
  };

  it('a body that came with the head is handed over whole, and the request body is then used', async () => {
    const { seen, handler } = recorder();
    const { port } = await start(handler);
    const socket = rawClient(port);
    const body = '{"a":"é"}';
    socket.write(`POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    expect(await until(() => seen.length === 1)).toBe(true);
    socket.destroy();
    expect(seen).toEqual([{ now: '{"a":"é"}', read: 'rejected: Body is unusable' }]);
  });

  it('a body still arriving is not handed over; the request reads all of it', async () => {
    const { seen, handler } = recorder();
    const { port } = await start(handler);
    const socket = rawClient(port);
    socket.write('POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n{"a"');
    await sleep(50);
    socket.write(':12}');
    expect(await until(() => seen.length === 1)).toBe(true);
    socket.destroy();
    expect(seen).toEqual([{ now: undefined, read: 'text: {"a":12}' }]);
  });

  it('a chunked body (no length to know it is whole by) is read through the request; a GET has no body', async () => {
    const { seen, handler } = recorder();
    const { port } = await start(handler);
    const socket = rawClient(port);
    socket.write('POST /mcp HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"b"\r\n3\r\n:1}\r\n0\r\n\r\n');
    expect(await until(() => seen.length === 1)).toBe(true);
    socket.write('GET /mcp HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await until(() => seen.length === 2)).toBe(true);
    socket.destroy();
    expect(seen).toEqual([
      { now: undefined, read: 'text: {"b":1}' },
      { now: undefined, read: 'text: ' },
    ]);
  });

  it('a body the handler started to read is not handed over again', async () => {
    let out: unknown;
    const { url } = await start(async (req, ctx) => {
      void req.body;
      out = ctx?.bodyTextNow?.();
      await req.body?.cancel();
      return new Response(null, { status: 204 });
    });
    const res = await request(url, { method: 'POST', body: '{"c":3}' });
    await res.body.dump();
    expect(res.statusCode).toBe(204);
    expect(out).toBeUndefined();
  });
});

describe('lazy core responses', () => {
  const mcp = createMcp({ name: 'fast', version: '1' });
  mcp.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, ({ text }) => ({ content: [{ type: 'text', text: String(text) }] }));
  mcp.tool('progress', { inputSchema: { type: 'object' } }, async (_args, ctx) => {
    for (let i = 1; i <= 3; i++) ctx.progress(i, 3, `étape ${i} ✓ 😀`);
    return { content: [{ type: 'text', text: 'fini ✓' }] };
  });
  const H = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

  it('JSON answers and 202s go out with the core fields and an exact Content-Length', async () => {
    const { url } = await start(mcp.handle);
    const init = await request(`${url}/mcp`, {
      method: 'POST',
      headers: H,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }),
    });
    const initText = await init.body.text();
    expect(init.statusCode).toBe(200);
    expect(init.headers['content-type']).toBe('application/json');
    expect(init.headers['content-length']).toBe(String(Buffer.byteLength(initText)));
    const sid = init.headers['mcp-session-id'] as string;
    expect(sid).toMatch(/^[\x21-\x7e]+$/);
    const session = { ...H, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' };
    const note = await request(`${url}/mcp`, { method: 'POST', headers: session, body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' });
    expect(note.statusCode).toBe(202);
    expect(note.headers['content-length']).toBe('0');
    expect(note.headers['content-type']).toBeUndefined();
    await note.body.dump();
    const call = await request(`${url}/mcp`, {
      method: 'POST',
      headers: session,
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'héllo' } } }),
    });
    const text = await call.body.text();
    expect(call.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'héllo' }] } });
  });

  it('an error answer keeps its status and extra fields (405 with Allow)', async () => {
    const { url } = await start(mcp.handle);
    const res = await request(`${url}/mcp`, { method: 'PUT', headers: H, body: '{}' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, POST, DELETE');
    const text = await res.body.text();
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text).error.code).toBe(-32600);
  });

  it('a lazy response someone already read through (a wrapping handler) is sent from its native object', async () => {
    const { url } = await start(async (req, ctx) => {
      const res = await mcp.handle(req, ctx);
      res.headers.set('x-wrapped', '1');
      return res;
    });
    const res = await request(`${url}/mcp`, { method: 'PUT', headers: H, body: '{}' });
    expect(res.statusCode).toBe(405);
    expect(res.headers['x-wrapped']).toBe('1');
    expect(JSON.parse(await res.body.text()).error.code).toBe(-32600);
  });

  it('an SSE burst goes out as text chunks, encoded as UTF-8 by Node: multi-byte characters arrive whole', async () => {
    const { url } = await start(mcp.handle);
    const stateless = { ...H, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'progress' };
    const res = await request(`${url}/mcp`, {
      method: 'POST',
      headers: stateless,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: {
          name: 'progress',
          arguments: {},
          _meta: {
            progressToken: 'p',
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    const bytes = Buffer.from(await res.body.arrayBuffer());
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const messages = text
      .split('\n')
      .filter((line) => line.startsWith('data: ') && line.length > 6)
      .map((line) => JSON.parse(line.slice(6)));
    expect(messages.filter((m) => m.method === 'notifications/progress').map((m) => m.params.message)).toEqual([
      'étape 1 ✓ 😀',
      'étape 2 ✓ 😀',
      'étape 3 ✓ 😀',
    ]);
    expect(messages.at(-1)).toMatchObject({ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'fini ✓' }] } });
  });
});
