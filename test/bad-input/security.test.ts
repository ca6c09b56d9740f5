/**
 * DNS-rebinding protection (SEC-01, MH-06): a foreign Host or Origin is refused with 403 and a JSON-RPC error body;
 * loopback origins on any port, and requests without Origin, are served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST_HEADERS, expectJsonRpcError, initBody, startHarness } from './harness';
import type { Harness } from './harness';

let h: Harness;
let sid: string;

beforeAll(async () => {
  h = await startHarness();
  sid = await h.session('2025-11-25');
});
afterAll(() => h.close());

describe('Host and Origin (SEC-01)', () => {
  it('SEC-01: a foreign Host (evil.example.com) → 403 with a JSON-RPC error naming it, on every method', async () => {
    const init = await h.raw('POST', { headers: { ...POST_HEADERS, host: 'evil.example.com' }, body: initBody('2025-11-25') });
    expectJsonRpcError(init, 403, -32600, /Host "evil\.example\.com"/);
    expect(init.headers['mcp-session-id']).toBeUndefined();
    // With a port, and on an established session (the session is not touched).
    const post = await h.raw('POST', {
      headers: { ...POST_HEADERS, ...h.sessionHeaders(sid), host: 'evil.example.com:8080' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expectJsonRpcError(post, 403, -32600, /evil\.example\.com/);
    const get = await h.raw('GET', { headers: { accept: 'text/event-stream', ...h.sessionHeaders(sid), host: 'evil.example.com' } });
    expectJsonRpcError(get, 403, -32600, /Host/);
    const del = await h.raw('DELETE', { headers: { ...h.sessionHeaders(sid), host: 'evil.example.com' } });
    expectJsonRpcError(del, 403, -32600, /Host/);
    // A look-alike of a loopback name is foreign too.
    const lookalike = await h.raw('POST', { headers: { ...POST_HEADERS, host: 'localhost.evil.example.com' }, body: initBody('2025-11-25') });
    expectJsonRpcError(lookalike, 403, -32600, /Host/);
    await h.expectHealthy(sid);
  });

  it('SEC-01: loopback Host names are served (127.0.0.1 with port, localhost)', async () => {
    const local = await h.raw('POST', {
      headers: { ...POST_HEADERS, ...h.sessionHeaders(sid), host: 'localhost' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(local.status).toBe(200);
    await h.expectHealthy(sid);
  });

  it('SEC-01: a foreign Origin (http://evil.example.com) → 403 with a JSON-RPC error naming it', async () => {
    const init = await h.raw('POST', { headers: { ...POST_HEADERS, origin: 'http://evil.example.com' }, body: initBody('2025-11-25') });
    expectJsonRpcError(init, 403, -32600, /Origin "http:\/\/evil\.example\.com"/);
    expect(init.headers['mcp-session-id']).toBeUndefined();
    const post = await h.raw('POST', {
      headers: { ...POST_HEADERS, ...h.sessionHeaders(sid), origin: 'https://evil.example.com:443' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expectJsonRpcError(post, 403, -32600, /Origin/);
    // An opaque origin ("null", sandboxed iframes, file://) is refused.
    const opaque = await h.raw('POST', { headers: { ...POST_HEADERS, origin: 'null' }, body: initBody('2025-11-25') });
    expectJsonRpcError(opaque, 403, -32600, /Origin "null"/);
    const get = await h.raw('GET', { headers: { accept: 'text/event-stream', ...h.sessionHeaders(sid), origin: 'http://evil.example.com' } });
    expectJsonRpcError(get, 403, -32600, /Origin/);
    await h.expectHealthy(sid);
  });

  it('SEC-01: Origin http://localhost:1234 is accepted (loopback on any port)', async () => {
    const init = await h.raw('POST', { headers: { ...POST_HEADERS, origin: 'http://localhost:1234' }, body: initBody('2025-11-25') });
    expect(init.status).toBe(200);
    const s = init.headers['mcp-session-id'] as string;
    expect(typeof s).toBe('string');
    const call = await h.raw('POST', {
      headers: { ...POST_HEADERS, ...h.sessionHeaders(s), origin: 'http://127.0.0.1:5173' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(call.status).toBe(200);
    expect(call.json().result.tools.length).toBeGreaterThan(0);
    await h.expectHealthy(s);
  });
});
