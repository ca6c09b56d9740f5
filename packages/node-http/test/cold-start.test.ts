// Node 20 defines Response, Request and Headers as lazy globals: the first read loads its whole fetch
// implementation (about 25 ms of a cold start). The adapter's lazy request and headers and the core's lazy
// responses stand in for those classes without reading them, so a server answers its first calls without it.
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';

const FETCH_CLASSES = ['Response', 'Request', 'Headers'] as const;
const unread = (name: string): boolean => Object.getOwnPropertyDescriptor(globalThis, name)?.get !== undefined;
/** Taken before anything below can read them: all three on Node 20; none on Node 24, where they are plain values. */
const unreadAtStart = FETCH_CLASSES.filter(unread);

describe('cold start without the fetch implementation (Node 20 lazy globals)', () => {
  it('initialize, initialized and tools/call over node-http never read Response, Request or Headers (regression: cold start)', async () => {
    const { createMcp } = await import('@x/mcp-core');
    const { serve } = await import('@x/mcp-node-http');
    const mcp = createMcp({ name: 'cold', version: '1' });
    mcp.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, ({ text }) => ({
      content: [{ type: 'text', text: String(text) }],
    }));
    const server = await serve({ fetch: mcp.handle, port: 0 });
    try {
      const post = (body: unknown, headers: Record<string, string> = {}) =>
        new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
          const req = httpRequest(`${server.url}/mcp`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
          });
          req.on('response', (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (d: string) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
          });
          req.on('error', reject);
          req.end(JSON.stringify(body));
        });
      const init = await post({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
      });
      expect(init.status).toBe(200);
      const session = { 'mcp-session-id': String(init.headers['mcp-session-id']), 'mcp-protocol-version': '2025-06-18' };
      expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session)).status).toBe(202);
      const call = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } }, session);
      expect(JSON.parse(call.text)).toEqual({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'hi' }] } });
      expect(FETCH_CLASSES.filter(unread)).toEqual(unreadAtStart);
      if (process.versions.node.startsWith('20.')) expect(unreadAtStart).toEqual([...FETCH_CLASSES]);

      // Reading the classes later links the stand-ins: a lazy response is still a Response.
      const lazy = await mcp.handle(new Request('http://127.0.0.1/mcp', { method: 'PUT' }), { lazyResponse: true });
      expect(lazy).toBeInstanceOf(Response);
      expect(lazy.headers.get('allow')).toBe('GET, POST, DELETE');
    } finally {
      await server.close();
    }
  });
});
