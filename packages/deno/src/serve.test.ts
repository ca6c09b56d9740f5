/**
 * The Deno adapter's request context, run on Node against a stand-in `Deno.serve` that hands over its handler
 * (the real runtime runs the shared adapter suite: packages/adapter-test-suite/test/deno.test.ts). What it guards:
 * Deno makes a request's `signal` only when it is read and aborts it after every response, at a cost larger than a
 * small call, so the adapter must not read it unless the core asks for `rctx.signal`.
 */
import { createMcp } from '@x/mcp-core';
import type { FetchHandler, RequestContext } from '@x/mcp-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serve } from './serve';

type DenoHandler = (request: Request, info: { remoteAddr: { hostname: string } }) => Promise<Response>;

let handler: DenoHandler | undefined;
const g = globalThis as { Deno?: unknown };

beforeEach(() => {
  handler = undefined;
  g.Deno = {
    serve(options: { onListen?: (addr: { hostname: string; port: number }) => void }, h: DenoHandler) {
      handler = h;
      queueMicrotask(() => options.onListen?.({ hostname: '127.0.0.1', port: 4321 }));
      return { finished: Promise.resolve(), shutdown: async () => {} };
    },
  };
});
afterEach(() => {
  delete g.Deno;
});

/** A request whose `signal` reads are counted; `abort()` plays the runtime's abort of it. */
function watchedRequest(body: unknown, headers: Record<string, string>) {
  const request = new Request('http://127.0.0.1:4321/mcp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', host: '127.0.0.1:4321', ...headers },
    body: JSON.stringify(body),
  });
  const controller = new AbortController();
  const seen = { signalReads: 0, addressReads: 0 };
  Object.defineProperty(request, 'signal', {
    get: () => {
      seen.signalReads++;
      return controller.signal;
    },
  });
  const info = {
    get remoteAddr() {
      seen.addressReads++;
      return { hostname: '127.0.0.1' };
    },
  };
  return { request, info, seen, abort: () => controller.abort('runtime abort') };
}

async function start(fetch: FetchHandler | { handle: FetchHandler }): Promise<DenoHandler> {
  await serve(fetch, { port: 0 });
  expect(handler).toBeTypeOf('function');
  return handler!;
}

const V = '2026-07-28';
const echoCall = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: {
    name: 'echo',
    arguments: { text: 'hi' },
    _meta: {
      'io.modelcontextprotocol/protocolVersion': V,
      'io.modelcontextprotocol/clientCapabilities': {},
      'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' },
    },
  },
});

describe('Deno adapter request context', () => {
  it('leaves request.signal unread for a call whose handler never reads ctx.signal (no per-request abort cost)', async () => {
    const mcp = createMcp({ name: 't', version: '1', allowedHosts: '*' });
    mcp.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, ({ text }) => ({
      content: [{ type: 'text', text: String(text) }],
    }));
    const h = await start(mcp);
    const w = watchedRequest(echoCall(1), { 'mcp-protocol-version': V, 'mcp-method': 'tools/call', 'mcp-name': 'echo' });
    const res = await h(w.request, w.info);
    expect(res.status).toBe(200);
    expect((await res.json()).result.content[0].text).toBe('hi');
    expect(w.seen.signalReads).toBe(0);
    expect(w.seen.addressReads).toBe(0);
    await mcp.close();
  });

  it('gives a handler that reads ctx.signal one that aborts on a disconnect while it runs', async () => {
    let release!: () => void;
    const mcp = createMcp({ name: 't', version: '1', allowedHosts: '*' });
    const reasons: unknown[] = [];
    mcp.tool('echo', {}, (_args, ctx) => {
      ctx.signal.addEventListener('abort', () => reasons.push(ctx.signal.reason));
      return new Promise((resolve) => (release = () => resolve({ content: [{ type: 'text', text: 'late' }] })));
    });
    const h = await start(mcp);
    const w = watchedRequest(echoCall(2), { 'mcp-protocol-version': V, 'mcp-method': 'tools/call', 'mcp-name': 'echo' });
    const pending = h(w.request, w.info);
    await new Promise((r) => setTimeout(r, 10));
    expect(w.seen.signalReads).toBe(1);
    w.abort();
    expect(reasons).toHaveLength(1);
    release();
    await pending;
    await mcp.close();
  });

  it('does not pass on the abort the runtime fires after a complete response', async () => {
    let seen: AbortSignal | undefined;
    const h = await start((_request: Request, rctx?: RequestContext) => {
      seen = rctx!.signal;
      return Promise.resolve(new Response('{}', { headers: { 'content-type': 'application/json' } }));
    });
    const w = watchedRequest({}, {});
    await h(w.request, w.info);
    w.abort();
    expect(seen?.aborted).toBe(false);
  });

  it('reads the peer address only when asked, and hands the same signal on every read', async () => {
    let address: string | undefined;
    let same = false;
    const h = await start((_request: Request, rctx?: RequestContext) => {
      address = rctx!.remoteAddress;
      same = rctx!.signal === rctx!.signal;
      return Promise.resolve(new Response(null, { status: 204 }));
    });
    const w = watchedRequest({}, {});
    await h(w.request, w.info);
    expect(address).toBe('127.0.0.1');
    expect(w.seen.addressReads).toBe(1);
    expect(same).toBe(true);
    expect(w.seen.signalReads).toBe(1);
  });

  it('hands a JSON response on without reading its body (Deno would turn the bytes into a stream)', async () => {
    const response = new Response('{}', { headers: { 'content-type': 'application/json' } });
    let bodyReads = 0;
    const body = response.body;
    Object.defineProperty(response, 'body', {
      get: () => {
        bodyReads++;
        return body;
      },
    });
    const h = await start(() => Promise.resolve(response));
    const w = watchedRequest({}, {});
    expect(await h(w.request, w.info)).toBe(response);
    expect(bodyReads).toBe(0);
  });

  it('an SSE body still counts as running until it is sent in full: a disconnect before then aborts', async () => {
    let seen: AbortSignal | undefined;
    let push!: (s: string) => void;
    let end!: () => void;
    const h = await start((_request: Request, rctx?: RequestContext) => {
      seen = rctx!.signal;
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          push = (s) => c.enqueue(new TextEncoder().encode(s));
          end = () => c.close();
        },
      });
      return Promise.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
    });
    const w = watchedRequest({}, {});
    const res = await h(w.request, w.info);
    const reader = res.body!.getReader();
    push('data: 1\n\n');
    await reader.read();
    w.abort();
    expect(seen?.aborted).toBe(true);
    end();
  });
});
