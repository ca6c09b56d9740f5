/**
 * The `observe` option over a real socket, the way a tracer uses it: `observe` opens a "span" whose parent comes
 * from the W3C `traceparent` in `params._meta`, `run` makes it the active context with AsyncLocalStorage (what
 * OpenTelemetry's `context.with` does on Node), and code inside the tool, after an await, finds it there. Driven
 * by the official SDK client on a 2025-11-25 session and by raw 2026-07-28 POSTs, on @x/mcp-node-http at
 * 127.0.0.1:0.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { McpError, createMcp } from '@x/mcp-core';
import type { Mcp, ObservedOutcome, ObservedRequest } from '@x/mcp-core';
import { serve } from '@x/mcp-node-http';
import type { NodeServer } from '@x/mcp-node-http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { expectIdle } from '../support/idle.ts';
import { within } from './harness.ts';

interface Span {
  name: string;
  parent: string | undefined;
  request: ObservedRequest;
  outcome?: ObservedOutcome;
  /** What the tool found as the active span. */
  seenInside?: string;
}

const active = new AsyncLocalStorage<Span>();
const spans: Span[] = [];
const errors: unknown[] = [];
let mcp: Mcp;
let server: NodeServer;
let url: string;

beforeAll(async () => {
  mcp = createMcp({
    name: 'observed',
    version: '1.0.0',
    onError: (e) => errors.push(e),
    observe: (request) => {
      const traceparent = request.meta?.traceparent;
      const span: Span = { name: `${request.method} ${request.name ?? ''}`.trim(), parent: typeof traceparent === 'string' ? traceparent : undefined, request };
      spans.push(span);
      return { run: (fn) => active.run(span, fn), end: (outcome) => void (span.outcome = outcome) };
    },
  });
  mcp.tool('lookup', { inputSchema: z.object({ key: z.string() }) }, async ({ key }) => {
    await new Promise((r) => setTimeout(r, 5));
    const span = active.getStore();
    if (span !== undefined) span.seenInside = span.name;
    if (key === 'missing') throw new McpError(-32002, `No entry ${key}`);
    return { content: [{ type: 'text', text: `value of ${key}` }] };
  });
  server = await serve({ fetch: mcp.handle, port: 0, hostname: '127.0.0.1', onError: (e) => errors.push(e) });
  url = `${server.url}/mcp`;
});
afterAll(async () => {
  await mcp?.close();
  await server?.close();
});
beforeEach(() => {
  spans.length = 0;
});

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
};

async function call2026(id: number, key: string, extraMeta: Record<string, unknown> = {}): Promise<Response> {
  return within(
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'lookup' },
      body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'lookup', arguments: { key }, _meta: { ...META, ...extraMeta } } }),
    }),
    5000,
    'tools/call',
  );
}

describe('observe, the way a tracer uses it', () => {
  it('2026-07-28: the parent comes from _meta.traceparent, the tool sees its span after an await, end hears the error', async () => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect((await call2026(1, 'a', { traceparent: tp })).status).toBe(200);
    expect((await call2026(2, 'missing')).status).toBe(200);
    expect(spans.map((s) => [s.name, s.parent, s.seenInside])).toEqual([
      ['tools/call lookup', tp, 'tools/call lookup'],
      ['tools/call lookup', undefined, 'tools/call lookup'],
    ]);
    expect(spans[0]!.outcome).toEqual({});
    expect(spans[1]!.outcome).toMatchObject({ error: { code: -32002, message: 'No entry missing' } });
    expect(spans[0]!.request).toMatchObject({ id: 1, protocolVersion: '2026-07-28', sessionId: undefined });
  });

  it('2025-11-25 session with the SDK client: one span per handler run, with the session id, and the context inside', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(url));
    const client = new Client({ name: 'observe-test', version: '1.0.0' });
    await within(client.connect(transport), 5000, 'connect');
    try {
      const r = await client.callTool({ name: 'lookup', arguments: { key: 'b' }, _meta: { traceparent: 'tp-b' } }, CallToolResultSchema, { timeout: 5000 });
      expect(r.content).toEqual([{ type: 'text', text: 'value of b' }]);
      await client.listTools(undefined, { timeout: 5000 });
      const call = spans.find((s) => s.request.method === 'tools/call')!;
      expect(call).toMatchObject({ name: 'tools/call lookup', parent: 'tp-b', seenInside: 'tools/call lookup', outcome: {} });
      expect(call.request.sessionId).toBe(transport.sessionId);
      expect(call.request.protocolVersion).toBe('2025-11-25');
      expect(spans.map((s) => s.request.method)).toEqual(['tools/call', 'tools/list']);
      // Nothing of the span leaks out of the request.
      expect(active.getStore()).toBeUndefined();
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
    await expectIdle(mcp);
    expect(errors).toEqual([]);
  });
});
