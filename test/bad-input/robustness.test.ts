/**
 * Failing handlers (TOOL-05, JR-09): an execution failure is a tool result the model can read, never a dead server or a
 * stuck request.
 */
import { McpError } from '@x/mcp-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectJsonRpcError, startHarness } from './harness';
import type { Harness } from './harness';

let h: Harness;
let sid: string;

beforeAll(async () => {
  h = await startHarness({}, (mcp) => {
    mcp.tool('throws_async', {}, async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new TypeError('async kaboom');
    });
    mcp.tool('throws_string', {}, () => {
      // eslint-disable-next-line no-throw-literal
      throw 'a bare string';
    });
    mcp.tool('throws_mcp_error', {}, () => {
      throw new McpError(-32602, 'the handler says the params are wrong', { field: 'x' });
    });
    mcp.tool('returns_garbage', {}, () => ({ nope: true }) as never);
  });
  sid = await h.session('2025-11-25');
});
afterAll(() => h.close());

const call = (id: number, name: string, meta?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: {}, ...(meta ? { _meta: meta } : {}) },
});

describe('handler failures', () => {
  it('TOOL-05: a tool that throws a plain Error → isError result carrying the message; the server stays up', async () => {
    const r = await h.post(call(1, 'test_error_handling'), h.sessionHeaders(sid));
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
    const m = r.json();
    expect(m.id).toBe(1);
    expect(m).not.toHaveProperty('error');
    expect(m.result.isError).toBe(true);
    expect(m.result.content[0]).toEqual({ type: 'text', text: 'This tool intentionally returns an error for testing' });
    await h.expectHealthy(sid);
  });

  it('TOOL-05: async rejections and thrown non-Errors are isError results too', async () => {
    const a = (await h.post(call(2, 'throws_async'), h.sessionHeaders(sid))).json();
    expect(a.result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'async kaboom' }] });
    const s = (await h.post(call(3, 'throws_string'), h.sessionHeaders(sid))).json();
    expect(s.result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'a bare string' }] });
    await h.expectHealthy(sid);
  });

  it('JR-09: a handler McpError is a protocol error with its code and data', async () => {
    const r = await h.post(call(4, 'throws_mcp_error'), h.sessionHeaders(sid));
    const m = expectJsonRpcError(r, 200, -32602, /params are wrong/);
    expect(m.id).toBe(4);
    expect(m.error.data).toEqual({ field: 'x' });
    await h.expectHealthy(sid);
  });

  it('JR-09: a tool returning a result without content → -32603 naming the tool, not a crash', async () => {
    const r = await h.post(call(5, 'returns_garbage'), h.sessionHeaders(sid));
    const m = expectJsonRpcError(r, 200, -32603, /returns_garbage/);
    expect(m.id).toBe(5);
    await h.expectHealthy(sid);
  });

  it('a failing tool on an SSE exchange (progress sent first) still ends its stream with the isError result', async () => {
    const r = await h.post(call(6, 'test_error_handling', { progressToken: 'pt' }), h.sessionHeaders(sid));
    // Nothing streamed before the failure, so the answer may still be plain JSON.
    expect(r.status).toBe(200);
    const text = r.contentType === 'text/event-stream' ? r.text.split('\n').filter((l) => l.startsWith('data: {')).at(-1)!.slice(6) : r.text;
    expect(JSON.parse(text).result.isError).toBe(true);
    await h.expectHealthy(sid);
  });
});
