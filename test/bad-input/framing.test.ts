/**
 * Bad JSON-RPC framing over real sockets (checklist §1, §2): every bad message gets the right status and code, and the
 * server keeps serving afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectJsonRpcError, initBody, startHarness } from './harness';
import type { Harness } from './harness';

let h: Harness;
let sid: string; // a 2025-11-25 session
let sid0618: string;
let sid0326: string;

beforeAll(async () => {
  h = await startHarness();
  sid = await h.session('2025-11-25');
  sid0618 = await h.session('2025-06-18');
  sid0326 = await h.session('2025-03-26');
});
afterAll(() => h.close());

describe('JSON-RPC framing errors', () => {
  it('JR-07: malformed JSON → 400 -32700 (id:null for pre-2025-11-25 peers, omitted for 2025-11-25, TRAP-02)', async () => {
    const old = await h.post('{"jsonrpc":"2.0","id":1,"method":"tools/list"', h.sessionHeaders(sid0618, '2025-06-18'));
    const m = expectJsonRpcError(old, 400, -32700, /JSON/);
    expect(m.id).toBeNull();

    const modern = await h.post('{not json', h.sessionHeaders(sid, '2025-11-25'));
    const m2 = expectJsonRpcError(modern, 400, -32700, /JSON/);
    expect(m2).not.toHaveProperty('id');

    // Before any session: still a parse error, not a session error.
    const noSession = await h.post('');
    expectJsonRpcError(noSession, 400, -32700, /JSON/);
    await h.expectHealthy(sid);
  });

  it('JR-01: "jsonrpc":"1.0" → 400 -32600 naming the jsonrpc member, id echoed', async () => {
    const r = await h.post({ jsonrpc: '1.0', id: 7, method: 'tools/list' }, h.sessionHeaders(sid));
    const m = expectJsonRpcError(r, 400, -32600, /"jsonrpc".*"2\.0"/);
    expect(m.id).toBe(7);
    // A missing jsonrpc member is the same error.
    const missing = await h.post({ id: 8, method: 'tools/list' }, h.sessionHeaders(sid));
    expect(expectJsonRpcError(missing, 400, -32600, /jsonrpc/).id).toBe(8);
    await h.expectHealthy(sid);
  });

  it('JR-02: id:null → 400 -32600 naming the id member', async () => {
    const r = await h.post({ jsonrpc: '2.0', id: null, method: 'tools/list' }, h.sessionHeaders(sid0618, '2025-06-18'));
    const m = expectJsonRpcError(r, 400, -32600, /"id".*null/);
    expect(m.id).toBeNull();
    // A fractional id is not an integer either.
    const frac = await h.post({ jsonrpc: '2.0', id: 1.5, method: 'tools/list' }, h.sessionHeaders(sid));
    expectJsonRpcError(frac, 400, -32600, /"id"/);
    await h.expectHealthy(sid);
  });

  it('JR-02: a non-string method and a non-object message → 400 -32600', async () => {
    const r = await h.post({ jsonrpc: '2.0', id: 3, method: 42 }, h.sessionHeaders(sid));
    expect(expectJsonRpcError(r, 400, -32600, /"method"/).id).toBe(3);
    const scalar = await h.post('"hello"', h.sessionHeaders(sid));
    expectJsonRpcError(scalar, 400, -32600, /object/);
    // Params must be an object (JR-01): -32602.
    const positional = await h.post({ jsonrpc: '2.0', id: 4, method: 'tools/list', params: [1, 2] }, h.sessionHeaders(sid));
    expect(expectJsonRpcError(positional, 400, -32602, /"params"/).id).toBe(4);
    await h.expectHealthy(sid);
  });

  it('JR-08: an unknown method in a session → 200 -32601 with the id echoed (type kept, JR-03)', async () => {
    const r = await h.post({ jsonrpc: '2.0', id: 'x-1', method: 'no/such/method' }, h.sessionHeaders(sid));
    const m = expectJsonRpcError(r, 200, -32601, /no\/such\/method/);
    expect(m.id).toBe('x-1');
    const n = await h.post({ jsonrpc: '2.0', id: 99, method: 'tasks/list' }, h.sessionHeaders(sid0326, '2025-03-26'));
    expect(expectJsonRpcError(n, 200, -32601, /tasks\/list/).id).toBe(99);
    await h.expectHealthy(sid);
  });

  it('JR-08: Object.prototype member names are unknown methods, never dispatched', async () => {
    for (const [i, method] of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'].entries()) {
      const r = await h.post({ jsonrpc: '2.0', id: 500 + i, method }, h.sessionHeaders(sid));
      expect(expectJsonRpcError(r, 200, -32601, new RegExp(method)).id).toBe(500 + i);
    }
    await h.expectHealthy(sid);
  });

  it('JR-01: arrays where MCP requires objects → -32602 (tools/call arguments, initialize capabilities)', async () => {
    const r = await h.post({ jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'test_simple_text', arguments: ['x'] } }, h.sessionHeaders(sid));
    expectJsonRpcError(r, 200, -32602, /\/arguments/);
    const init = await h.post({ jsonrpc: '2.0', id: 12, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: [], clientInfo: { name: 'c', version: '1' } } });
    expectJsonRpcError(init, 400, -32602, /capabilities/);
    await h.expectHealthy(sid);
  });

  it('JR-09/TOOL-03: tools/call with name:42 → -32602 naming /name', async () => {
    const r = await h.post({ jsonrpc: '2.0', id: 10, method: 'tools/call', params: { name: 42 } }, h.sessionHeaders(sid));
    const m = expectJsonRpcError(r, 200, -32602, /\/name/);
    expect(m.id).toBe(10);
    expect(m.error.data.issues[0].path).toBe('/name');
    await h.expectHealthy(sid);
  });

  it('JR-09/RES-02: resources/read without uri → -32602 naming /uri', async () => {
    const r = await h.post({ jsonrpc: '2.0', id: 11, method: 'resources/read', params: {} }, h.sessionHeaders(sid));
    const m = expectJsonRpcError(r, 200, -32602, /\/uri/);
    expect(m.id).toBe(11);
    // Other params errors name their field too.
    const level = await h.post({ jsonrpc: '2.0', id: 12, method: 'logging/setLevel', params: { level: 'loud' } }, h.sessionHeaders(sid));
    expectJsonRpcError(level, 200, -32602, /\/level/);
    const prompt = await h.post({ jsonrpc: '2.0', id: 13, method: 'prompts/get', params: { name: 'test_prompt_with_arguments' } }, h.sessionHeaders(sid));
    expectJsonRpcError(prompt, 200, -32602, /arg1, arg2/);
    await h.expectHealthy(sid);
  });

  it('TOOL-05: an unknown tool → -32602 naming the tool', async () => {
    const r = await h.post({ jsonrpc: '2.0', id: 14, method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } }, h.sessionHeaders(sid));
    const m = expectJsonRpcError(r, 200, -32602, /no_such_tool/);
    expect(m.id).toBe(14);
    await h.expectHealthy(sid);
  });

  it('TOOL-05/TRAP-27: invalid tool arguments are -32602 up to 2025-06-18 and an isError result from 2025-11-25', async () => {
    const call = { jsonrpc: '2.0', id: 15, method: 'tools/call', params: { name: 'test_sampling', arguments: { prompt: 5 } } };
    const old = await h.post(call, h.sessionHeaders(sid0618, '2025-06-18'));
    expectJsonRpcError(old, 200, -32602, /\/arguments\/prompt/);
    const modern = await h.post(call, h.sessionHeaders(sid));
    expect(modern.status).toBe(200);
    const m = modern.json();
    expect(m.result.isError).toBe(true);
    expect(m.result.content[0].text).toMatch(/\/arguments\/prompt/);
    await h.expectHealthy(sid);
  });

  it('PAG-01: an invalid list cursor → -32602 naming the cursor', async () => {
    const r = await h.post({ jsonrpc: '2.0', id: 16, method: 'tools/list', params: { cursor: 'garbage' } }, h.sessionHeaders(sid));
    const m = expectJsonRpcError(r, 200, -32602, /cursor/);
    expect(m.error.data).toEqual({ cursor: 'garbage' });
    await h.expectHealthy(sid);
  });

  it('ERR-02: resources/read of an unknown uri → -32002 with data.uri', async () => {
    const r = await h.post({ jsonrpc: '2.0', id: 17, method: 'resources/read', params: { uri: 'test://nope' } }, h.sessionHeaders(sid));
    const m = expectJsonRpcError(r, 200, -32002, /test:\/\/nope/);
    expect(m.error.data).toEqual({ uri: 'test://nope' });
    await h.expectHealthy(sid);
  });

  it('JR-03: a message with both result and error is neither request nor response → 400 -32600', async () => {
    const r = await h.post({ jsonrpc: '2.0', id: 18, result: {}, error: { code: 1, message: 'x' } }, h.sessionHeaders(sid));
    expectJsonRpcError(r, 400, -32600, /request, notification or response/);
    await h.expectHealthy(sid);
  });

  it('JR-05: an unknown notification in a session → 202 with an empty body', async () => {
    const r = await h.post({ jsonrpc: '2.0', method: 'notifications/no_such_thing', params: { x: 1 } }, h.sessionHeaders(sid));
    expect(r.status).toBe(202);
    expect(r.text).toBe('');
    // A known notification with bad params is never answered either.
    const bad = await h.post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: null } }, h.sessionHeaders(sid));
    expect(bad.status).toBe(202);
    expect(bad.text).toBe('');
    await h.expectHealthy(sid);
  });

  it('JR-12: a JSON-RPC response with an unknown id → 202 with an empty body', async () => {
    const r = await h.post({ jsonrpc: '2.0', id: 424242, result: {} }, h.sessionHeaders(sid));
    expect(r.status).toBe(202);
    expect(r.text).toBe('');
    const err = await h.post({ jsonrpc: '2.0', id: 'not-ours', error: { code: -1, message: 'x' } }, h.sessionHeaders(sid));
    expect(err.status).toBe(202);
    expect(err.text).toBe('');
    await h.expectHealthy(sid);
  });
});

describe('batches (JR-10, JR-11)', () => {
  it('JR-10: a batch on a 2025-06-18 session → 400 -32600', async () => {
    const r = await h.post([{ jsonrpc: '2.0', id: 1, method: 'ping' }], h.sessionHeaders(sid0618, '2025-06-18'));
    expectJsonRpcError(r, 400, -32600, /[Bb]atch/);
    await h.expectHealthy(sid0618, '2025-06-18');
  });

  it('JR-10: a batch on a 2025-11-25 session → 400 -32600', async () => {
    const r = await h.post([{ jsonrpc: '2.0', id: 1, method: 'ping' }], h.sessionHeaders(sid));
    const m = expectJsonRpcError(r, 400, -32600, /[Bb]atch/);
    expect(m).not.toHaveProperty('id'); // id-less error for a 2025-11-25 peer (TRAP-02)
    await h.expectHealthy(sid);
  });

  it('JR-10: a batch on a 2025-03-26 session is accepted: one answer per request, as a JSON array', async () => {
    const r = await h.post(
      [
        { jsonrpc: '2.0', id: 1, method: 'ping' },
        { jsonrpc: '2.0', method: 'notifications/whatever' },
        { jsonrpc: '2.0', id: 'b', method: 'no/such/method' },
        { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'test_simple_text' } },
        { jsonrpc: '2.0', id: null, method: 'ping' },
      ],
      h.sessionHeaders(sid0326, '2025-03-26'),
    );
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
    const arr = r.json();
    expect(Array.isArray(arr)).toBe(true);
    expect(arr).toHaveLength(4);
    const byId = new Map(arr.map((m: { id: unknown }) => [m.id, m]));
    expect((byId.get(1) as any).result).toEqual({});
    expect((byId.get('b') as any).error.code).toBe(-32601);
    expect((byId.get(3) as any).result.content[0].text).toMatch(/simple text/);
    expect((byId.get(null) as any).error.code).toBe(-32600);
    await h.expectHealthy(sid0326, '2025-03-26');
  });

  it('JR-11: a notifications-only batch on a 2025-03-26 session → 202 with an empty body', async () => {
    const r = await h.post(
      [
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', method: 'notifications/unknown' },
        { jsonrpc: '2.0', id: 5555, result: {} },
      ],
      h.sessionHeaders(sid0326, '2025-03-26'),
    );
    expect(r.status).toBe(202);
    expect(r.text).toBe('');
    await h.expectHealthy(sid0326, '2025-03-26');
  });

  it('JR-11: an empty batch → 400 -32600', async () => {
    const r = await h.post([], h.sessionHeaders(sid0326, '2025-03-26'));
    expectJsonRpcError(r, 400, -32600, /[Ee]mpty batch/);
    await h.expectHealthy(sid0326, '2025-03-26');
  });

  it('LC-04: initialize inside a 2025-03-26 batch → 400 -32600', async () => {
    const init = JSON.parse(initBody('2025-03-26', 9));
    const r = await h.post([init], h.sessionHeaders(sid0326, '2025-03-26'));
    expectJsonRpcError(r, 400, -32600, /initialize/);
    await h.expectHealthy(sid0326, '2025-03-26');
  });
});
