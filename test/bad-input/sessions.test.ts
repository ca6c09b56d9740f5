/**
 * Bad session use (checklist §4.1, §4.2): missing, unknown and expired session ids, unsupported protocol versions, and
 * the session cap. The server keeps serving after each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST_HEADERS, expectJsonRpcError, initBody, startHarness } from './harness';
import type { Harness } from './harness';

const ping = (id: number | string = 1) => ({ jsonrpc: '2.0', id, method: 'ping' });

let h: Harness;
let sid: string;

beforeAll(async () => {
  h = await startHarness();
  sid = await h.session('2025-11-25');
});
afterAll(() => h.close());

describe('session ids (SES-04, SES-05)', () => {
  it('SES-04: a non-initialize request without Mcp-Session-Id → 400 naming the header (POST, GET, DELETE)', async () => {
    const r = await h.post(ping(), { 'mcp-protocol-version': '2025-11-25' });
    expectJsonRpcError(r, 400, -32600, /Mcp-Session-Id/);
    const n = await h.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expectJsonRpcError(n, 400, -32600, /Mcp-Session-Id/);
    const get = await h.raw('GET', { headers: { accept: 'text/event-stream' } });
    expectJsonRpcError(get, 400, -32600, /Mcp-Session-Id/);
    const del = await h.raw('DELETE');
    expectJsonRpcError(del, 400, -32600, /Mcp-Session-Id/);
    await h.expectHealthy(sid);
  });

  it('SES-05: an unknown session id → 404 (POST, GET, DELETE)', async () => {
    const headers = h.sessionHeaders('0123456789abcdef0123456789abcdef');
    expectJsonRpcError(await h.post(ping(), headers), 404, -32600, /[Ss]ession not found/);
    expectJsonRpcError(await h.raw('GET', { headers: { accept: 'text/event-stream', ...headers } }), 404, -32600, /[Ss]ession not found/);
    expectJsonRpcError(await h.raw('DELETE', { headers }), 404, -32600, /[Ss]ession not found/);
    await h.expectHealthy(sid);
  });

  it('SES-05/SES-07: a deleted session id → 404, and SES-06: a fresh initialize is accepted', async () => {
    const doomed = await h.session('2025-06-18');
    const del = await h.raw('DELETE', { headers: h.sessionHeaders(doomed, '2025-06-18') });
    expect(del.status).toBe(200);
    expectJsonRpcError(await h.post(ping(), h.sessionHeaders(doomed, '2025-06-18')), 404, -32600, /[Ss]ession not found/);
    expectJsonRpcError(await h.raw('DELETE', { headers: h.sessionHeaders(doomed, '2025-06-18') }), 404, -32600, /[Ss]ession not found/);
    await h.expectHealthy(); // a brand-new session
    await h.expectHealthy(sid);
  });

  it('SES-05: an expired session id → 404 (sessions.idleTimeoutMs: 100, ~400 ms idle)', async () => {
    const short = await startHarness({ sessions: { idleTimeoutMs: 100 } });
    try {
      const init = await short.post(initBody('2025-11-25'));
      expect(init.status).toBe(200);
      const s = init.headers['mcp-session-id'] as string;
      await new Promise((r) => setTimeout(r, 400));
      // Expired: gone from memory, and the sweeper stopped with the last session.
      expect(short.mcp.stats()).toMatchObject({ sessions: 0, timers: 0 });
      expectJsonRpcError(await short.post(ping(), short.sessionHeaders(s)), 404, -32600, /[Ss]ession not found/);
      expectJsonRpcError(await short.raw('GET', { headers: { accept: 'text/event-stream', ...short.sessionHeaders(s) } }), 404, -32600, /[Ss]ession not found/);
      expectJsonRpcError(await short.raw('DELETE', { headers: short.sessionHeaders(s) }), 404, -32600, /[Ss]ession not found/);
      // Still serving: a new session answers. On a loaded machine 100 ms may pass between two requests, so a fresh
      // session may itself expire before the next one: start over then (SES-06), as a client would.
      let served = false;
      for (let tries = 0; tries < 10 && !served; tries++) {
        const again = await short.post(initBody('2025-11-25', 'again'));
        expect(again.status).toBe(200);
        const r = await short.post({ jsonrpc: '2.0', id: 'health', method: 'tools/list' }, short.sessionHeaders(again.headers['mcp-session-id'] as string));
        if (r.status === 404) continue;
        expect(r.status).toBe(200);
        expect(r.json().result.tools.length).toBeGreaterThan(0);
        served = true;
      }
      expect(served).toBe(true);
      expect(short.mcp.stats()).toMatchObject({ connections: 0, inflight: 0, pendingClientRequests: 0 });
      expect(short.errors).toEqual([]);
    } finally {
      await short.close();
    }
  });
});

describe('protocol version header (PVH-03)', () => {
  it('PVH-03: an unsupported MCP-Protocol-Version on a session request → 400 -32022 with data.supported and data.requested', async () => {
    const r = await h.post(ping(), { 'mcp-session-id': sid, 'mcp-protocol-version': '1999-01-01' });
    const m = expectJsonRpcError(r, 400, -32022, /1999-01-01/);
    expect(m.error.data.requested).toBe('1999-01-01');
    expect(m.error.data.supported).toEqual(expect.arrayContaining(['2025-11-25', '2025-06-18', '2025-03-26']));
    expect(m.error.data.supported).not.toContain('1999-01-01');
    // Same on GET and DELETE (PVH-01: every request after initialize); the session survives the refused DELETE.
    const get = await h.raw('GET', { headers: { accept: 'text/event-stream', 'mcp-session-id': sid, 'mcp-protocol-version': 'garbage' } });
    expect(expectJsonRpcError(get, 400, -32022, /garbage/).error.data.requested).toBe('garbage');
    // A stateless-revision header on DELETE: that revision has no DELETE (MH-01), 405, and the session is untouched.
    const del = await h.raw('DELETE', { headers: { 'mcp-session-id': sid, 'mcp-protocol-version': '2026-07-28' } });
    expect(del.status).toBe(405);
    expect(del.headers.allow).toBe('POST');
    await h.expectHealthy(sid);
  });

  it('PVH-01/TRAP-07: the header is not demanded on initialize, and an unknown version there is negotiated, not refused (LC-03)', async () => {
    const r = await h.post(initBody('1999-01-01'), { 'mcp-protocol-version': '1999-01-01' });
    expect(r.status).toBe(200);
    expect(r.json().result.protocolVersion).toBe('2025-11-25');
    const s = r.headers['mcp-session-id'] as string;
    expect((await h.raw('DELETE', { headers: h.sessionHeaders(s) })).status).toBe(200);
    await h.expectHealthy(sid);
  });
});

describe('session cap', () => {
  it('maxSessions: 2 → the third initialize gets 503 with Retry-After; a freed slot serves again', async () => {
    const capped = await startHarness({ sessions: { maxSessions: 2 } });
    try {
      const a = await capped.session('2025-11-25');
      const b = await capped.session('2025-03-26');
      const r = await capped.post(initBody('2025-11-25', 'third'));
      const m = expectJsonRpcError(r, 503, -32603, /[Tt]oo many/);
      expect(m.id).toBe('third');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      expect(r.headers['mcp-session-id']).toBeUndefined();
      expect(capped.mcp.stats().sessions).toBe(2);
      // The live sessions are untouched.
      await capped.expectHealthy(a);
      await capped.expectHealthy(b, '2025-03-26');
      // Ending one frees a slot.
      expect((await capped.raw('DELETE', { headers: capped.sessionHeaders(b, '2025-03-26') })).status).toBe(200);
      const again = await capped.post(initBody('2025-06-18', 'again'));
      expect(again.status).toBe(200);
      await capped.expectHealthy(again.headers['mcp-session-id'] as string, '2025-06-18');
    } finally {
      await capped.close();
    }
  });
});

describe('initialize with bad params (LC-01)', () => {
  it('LC-01: initialize without clientInfo → 400 -32602 naming the field; the id is echoed', async () => {
    const r = await h.raw('POST', {
      headers: POST_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', id: 'init-1', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {} } }),
    });
    const m = expectJsonRpcError(r, 400, -32602, /clientInfo/);
    expect(m.id).toBe('init-1');
    expect(r.headers['mcp-session-id']).toBeUndefined();
    await h.expectHealthy(sid);
  });

  it('LC-01: initialize with protocolVersion: 42, or no params at all → 400 -32602, and no session is created', async () => {
    const before = h.mcp.stats().sessions;
    const bad = await h.post({
      jsonrpc: '2.0',
      id: 2,
      method: 'initialize',
      params: { protocolVersion: 42, capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    });
    expectJsonRpcError(bad, 400, -32602, /protocolVersion/);
    const none = await h.post({ jsonrpc: '2.0', id: 3, method: 'initialize' });
    expectJsonRpcError(none, 400, -32602, /initialize params/);
    expect(h.mcp.stats().sessions).toBe(before);
    await h.expectHealthy(sid);
  });
});
