/**
 * Bad 2026-07-28 (stateless) input over raw HTTP (checklist §6–7): the envelope, the version checks, the mirrored
 * headers, sealed requestState, message shapes, removed methods, GET/DELETE, listen streams. Each case checks the
 * HTTP status, the JSON-RPC code, that the message names the problem, that the error body is valid under the 2026
 * schema, and that nothing was left behind (stats() all zero, no session, no Mcp-Session-Id).
 *
 * The server is the stateless fixture of test/stateless/harness.ts, not examples/everything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  META_CAPS,
  META_INFO,
  META_LOG_LEVEL,
  META_SUBSCRIPTION_ID,
  META_VERSION,
  V,
  checkServerMessage,
  envelope,
  expectIdle,
  expectJsonRpcError,
  headersFor,
  raw,
  rpc,
  sleep,
  startFixture,
  waitFor,
} from '../stateless/harness.ts';
import type { Raw, RawResponse, Served } from '../stateless/harness.ts';

let s: Served;
let r: Raw;

beforeAll(async () => {
  s = await startFixture();
  r = raw(s.url);
});
afterAll(async () => {
  await r?.close();
  await s?.close();
});

/** Nothing leaked: no session id handed out, stats() all zero (no session, request, stream or timer), no error. */
async function expectNothingLeft(res: RawResponse | RawResponse[], server: Served = s): Promise<void> {
  for (const x of Array.isArray(res) ? res : [res]) expect(x.headers['mcp-session-id']).toBeUndefined();
  await expectIdle(server.mcp);
  expect(server.errors).toEqual([]);
}

/** A 2026 request body whose `_meta` is exactly `meta` (no envelope added). */
const withMeta = (method: string, meta: unknown, params: Record<string, unknown> = {}, id: string | number = 1) => ({ jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } });

/** The healthy answer to tools/list, as a control that the server still serves. */
async function expectServes(): Promise<void> {
  const ok = await r.post(rpc('tools/list', {}, 'health'));
  expect(ok.status).toBe(200);
  const msg = ok.json();
  expect(msg.id).toBe('health');
  expect(msg.result.tools.length).toBeGreaterThan(0);
  expect(checkServerMessage(msg, () => 'tools/list')).toEqual([]);
}

describe('the envelope (M-01, M-02, LOG-02)', () => {
  it('M-01: no params._meta at all → 400 -32602 naming _meta protocolVersion', async () => {
    const a = await r.post({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    expectJsonRpcError(a, 400, -32602, /_meta.*protocolVersion/, 1);
    const b = await r.post({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expectJsonRpcError(b, 400, -32602, /_meta.*protocolVersion/, 2);
    await expectNothingLeft([a, b]);
  });

  it('M-01: _meta without protocolVersion (header still sent) → 400 -32602, not -32020', async () => {
    const res = await r.post(withMeta('server/discover', { [META_CAPS]: {}, [META_INFO]: { name: 'x', version: '1' } }, {}, 102));
    expectJsonRpcError(res, 400, -32602, /protocolVersion/, 102);
    await expectNothingLeft(res);
  });

  it('M-01: _meta without clientCapabilities → 400 -32602 naming clientCapabilities', async () => {
    const res = await r.post(withMeta('server/discover', { [META_VERSION]: V }, {}, 104));
    expectJsonRpcError(res, 400, -32602, /clientCapabilities/, 104);
    await expectNothingLeft(res);
  });

  it.each([
    ['an array', []],
    ['a string', 'all'],
    ['null', null],
    ['a number', 1],
  ])('M-01: clientCapabilities that is %s → 400 -32602 naming clientCapabilities', async (_what, caps) => {
    const res = await r.post(withMeta('tools/list', { [META_VERSION]: V, [META_CAPS]: caps }, {}, 'caps'));
    expectJsonRpcError(res, 400, -32602, /clientCapabilities.*object/, 'caps');
    await expectNothingLeft(res);
  });

  it.each([
    ['a string', 'me'],
    ['a name that is not a string', { name: 1, version: '1.0.0' }],
    ['no version', { name: 'me' }],
  ])('M-02: clientInfo that is %s → 400 -32602 naming clientInfo', async (_what, info) => {
    const res = await r.post(rpc('tools/list', {}, 'info', { [META_INFO]: info }));
    expectJsonRpcError(res, 400, -32602, /clientInfo/, 'info');
    await expectNothingLeft(res);
  });

  it('M-02: no clientInfo at all is accepted (control)', async () => {
    const res = await r.post(withMeta('server/discover', { [META_VERSION]: V, [META_CAPS]: {} }, {}, 105));
    expect(res.status).toBe(200);
    expect(res.json().result.supportedVersions).toContain(V);
    expect(checkServerMessage(res.json(), () => 'server/discover')).toEqual([]);
    await expectNothingLeft(res);
  });

  it.each([
    ['an unknown level', 'verbose'],
    ['a number', 3],
    ['upper case', 'INFO'],
  ])('LOG-02: logLevel that is %s → 400 -32602 naming logLevel', async (_what, level) => {
    const res = await r.post(rpc('tools/call', { name: 'echo', arguments: { text: 'x' } }, 'lvl', { [META_LOG_LEVEL]: level }));
    expectJsonRpcError(res, 400, -32602, /logLevel/, 'lvl');
    await expectNothingLeft(res);
  });
});

describe('versions (HDR-01, HDR-02, M-05, DUAL-05)', () => {
  it('HDR-01: MCP-Protocol-Version ≠ _meta protocolVersion → 400 -32020 naming both', async () => {
    const a = await r.post(rpc('tools/list', {}, 'mm'), { 'mcp-protocol-version': '2025-11-25' });
    expectJsonRpcError(a, 400, -32020, /MCP-Protocol-Version.*2025-11-25.*2026-07-28/, 'mm');
    // Mismatch is checked before the unsupported version (conformance row 11).
    const b = await r.post(rpc('server/discover', {}, 302, { [META_VERSION]: 'v999.0.0' }));
    expectJsonRpcError(b, 400, -32020, /v999\.0\.0/, 302);
    await expectNothingLeft([a, b]);
  });

  it('HDR-02: _meta names 2026-07-28 but the MCP-Protocol-Version header is missing → 400 -32020 naming the header', async () => {
    const res = await r.post(rpc('tools/list', {}, 'nohdr'), { 'mcp-protocol-version': null });
    expectJsonRpcError(res, 400, -32020, /Missing MCP-Protocol-Version/, 'nohdr');
    await expectNothingLeft(res);
  });

  it('M-05: an unknown version in both the header and _meta → 400 -32022 with data.supported (= discover) and data.requested', async () => {
    const discover = (await r.post(rpc('server/discover', {}, 'd'))).json().result;
    const res = await r.post(rpc('server/discover', {}, 301, { [META_VERSION]: 'v999.0.0' }), { 'mcp-protocol-version': 'v999.0.0' });
    const msg = expectJsonRpcError(res, 400, -32022, /[Uu]nsupported protocol version "v999\.0\.0"/, 301);
    expect(msg.error.data.requested).toBe('v999.0.0');
    expect(msg.error.data.supported).toEqual(discover.supportedVersions);
    expect(msg.error.data.supported).toContain(V);
    await expectNothingLeft(res);
  });

  it('M-05/DUAL-05: an unknown version in the header of a request without _meta version → 400 -32022 (not routed to a session)', async () => {
    const res = await r.post({ jsonrpc: '2.0', id: 'hv', method: 'tools/list', params: {} }, { 'mcp-protocol-version': '2099-01-01' });
    const msg = expectJsonRpcError(res, 400, -32022, /2099-01-01/, 'hv');
    expect(msg.error.data).toMatchObject({ requested: '2099-01-01', supported: expect.arrayContaining([V]) });
    await expectNothingLeft(res);
  });
});

describe('mirrored headers (HDR-03, HDR-04, HDR-05, HDR-06)', () => {
  it('HDR-03: no Mcp-Method → 400 -32020 naming Mcp-Method', async () => {
    const res = await r.post(rpc('tools/list', {}, 'm1'), { 'mcp-method': null });
    expectJsonRpcError(res, 400, -32020, /Missing Mcp-Method/, 'm1');
    await expectNothingLeft(res);
  });

  it('HDR-03: Mcp-Method names another method → 400 -32020 naming both', async () => {
    const res = await r.post(rpc('tools/list', {}, 'm2'), { 'mcp-method': 'prompts/list' });
    expectJsonRpcError(res, 400, -32020, /Mcp-Method.*prompts\/list.*tools\/list/, 'm2');
    await expectNothingLeft(res);
  });

  it('HDR-04: Mcp-Method values compare case-sensitively (TOOLS/LIST → 400 -32020); header names do not (MCP-METHOD is fine)', async () => {
    const bad = await r.post(rpc('tools/list', {}, 'm3'), { 'mcp-method': 'TOOLS/LIST' });
    expectJsonRpcError(bad, 400, -32020, /TOOLS\/LIST/, 'm3');
    const good = await r.post(rpc('tools/list', {}, 'm4'), { 'mcp-method': null, 'MCP-METHOD': '  tools/list  ' });
    expect(good.status).toBe(200);
    expect(good.json().result.tools.length).toBeGreaterThan(0);
    await expectNothingLeft([bad, good]);
  });

  it('HDR-03: tools/call without Mcp-Name → 400 -32020 naming Mcp-Name, and the tool does not run', async () => {
    const res = await r.post(rpc('tools/call', { name: 'state_machine', arguments: {} }, 'n1', { [META_CAPS]: { elicitation: {} } }), { 'mcp-name': null });
    expectJsonRpcError(res, 400, -32020, /Missing Mcp-Name/, 'n1');
    expect(s.observed.stateRuns).toEqual([]);
    await expectNothingLeft(res);
  });

  it('HDR-03: Mcp-Name names another tool → 400 -32020 naming both (a base64-wrapped right name is fine)', async () => {
    const bad = await r.post(rpc('tools/call', { name: 'echo', arguments: { text: 'x' } }, 'n2'), { 'mcp-name': 'wrong_tool_name' });
    expectJsonRpcError(bad, 400, -32020, /Mcp-Name.*wrong_tool_name.*echo/, 'n2');
    const wrapped = await r.post(rpc('tools/call', { name: 'echo', arguments: { text: 'x' } }, 'n3'), { 'mcp-name': `=?base64?${Buffer.from('echo').toString('base64')}?=` });
    expect(wrapped.status).toBe(200);
    expect(wrapped.json().result.content).toEqual([{ type: 'text', text: 'x' }]);
    await expectNothingLeft([bad, wrapped]);
  });

  it.each([
    ['bad padding', '=?base64?SGVsbG8?='],
    ['bad characters', '=?base64?SGVs!!!bG8=?='],
    ['not UTF-8', '=?base64?/w==?='],
  ])('HDR-05: Mcp-Param-Region with %s → 400 -32020 naming the header', async (_what, value) => {
    const res = await r.post(rpc('tools/call', { name: 'region_tool', arguments: { region: 'Hello' } }, 'p1'), { 'mcp-param-region': value });
    expectJsonRpcError(res, 400, -32020, /Mcp-Param-Region/, 'p1');
    await expectNothingLeft(res);
  });

  it('HDR-05: Mcp-Param-Region as valid base64 of the value is accepted (control)', async () => {
    const res = await r.post(rpc('tools/call', { name: 'region_tool', arguments: { region: 'Hello' } }, 'p2'), { 'mcp-param-region': '=?base64?SGVsbG8=?=' });
    expect(res.status).toBe(200);
    expect(res.json().result.content).toEqual([{ type: 'text', text: 'region Hello' }]);
    await expectNothingLeft(res);
  });

  it('HDR-06: Mcp-Param-Region missing while the body has region → 400 -32020 naming the header and the argument', async () => {
    const res = await r.post(rpc('tools/call', { name: 'region_tool', arguments: { region: 'test-value' } }, 'p3'));
    expectJsonRpcError(res, 400, -32020, /Missing Mcp-Param-Region.*arguments\.region/, 'p3');
    await expectNothingLeft(res);
  });

  it('HDR-06: Mcp-Param-Region differs from the body value → 400 -32020', async () => {
    const res = await r.post(rpc('tools/call', { name: 'region_tool', arguments: { region: 'eu' } }, 'p4'), { 'mcp-param-region': 'us' });
    expectJsonRpcError(res, 400, -32020, /Mcp-Param-Region.*"us".*"eu"/, 'p4');
    await expectNothingLeft(res);
  });
});

describe('sealed requestState (MRTR-05)', () => {
  const caps = { [META_CAPS]: { elicitation: {} } };
  const call = (name: string, extra: Record<string, unknown> = {}, id: string | number = 'st') => rpc('tools/call', { name, arguments: {}, ...extra }, id, caps);

  /** Round one of state_machine: an input_required with a sealed state. */
  async function firstRound(raw_: Raw = r): Promise<string> {
    const res = await raw_.post(call('state_machine', {}, 'r1'));
    expect(res.status).toBe(200);
    const result = res.json().result;
    expect(result.resultType).toBe('input_required');
    expect(typeof result.requestState).toBe('string');
    return result.requestState as string;
  }
  const answer = { step1: { action: 'accept', content: { name: 'Alice' } } };

  it('MRTR-05: a tampered requestState (one payload character changed, or a suffix) → -32602 naming the state, and the handler does not run again', async () => {
    s.observed.stateRuns.length = 0;
    const state = await firstRound();
    const dot = state.indexOf('.');
    const flipped = state.slice(0, dot - 2) + (state[dot - 2] === 'A' ? 'B' : 'A') + state.slice(dot - 1);
    const a = await r.post(call('state_machine', { inputResponses: answer, requestState: flipped }, 't1'));
    // MH-08: a -32602 other than a missing _meta field is a 200 with a JSON body.
    const ma = expectJsonRpcError(a, 200, -32602, /requestState/, 't1');
    expect(['signature', 'malformed']).toContain(ma.error.data?.reason);
    const b = await r.post(call('state_machine', { inputResponses: answer, requestState: `${state}-TAMPERED` }, 't2'));
    expectJsonRpcError(b, 200, -32602, /requestState/, 't2');
    const c = await r.post(call('state_machine', { inputResponses: answer, requestState: 42 }, 't3'));
    expectJsonRpcError(c, 200, -32602, /requestState/, 't3');
    expect(s.observed.stateRuns).toHaveLength(1);
    await expectNothingLeft([a, b, c]);
  });

  it('MRTR-05: an expired requestState (requestState.ttlMs: 1, ~50 ms later) → -32602 naming the expiry', async () => {
    const short = await startFixture({ requestState: { ttlMs: 1 } });
    const rs = raw(short.url);
    try {
      const state = await firstRound(rs);
      await sleep(50);
      const res = await rs.post(call('state_machine', { inputResponses: answer, requestState: state }, 'exp'));
      const msg = expectJsonRpcError(res, 200, -32602, /requestState.*expired/, 'exp');
      expect(msg.error.data).toEqual({ reason: 'expired' });
      expect(short.observed.stateRuns).toHaveLength(1);
      await expectNothingLeft(res, short);
    } finally {
      await rs.close();
      await short.close();
    }
  });

  it('MRTR-05: a requestState from another tool (or another method) → -32602 naming the binding', async () => {
    const state = await firstRound();
    const a = await r.post(call('state_only', { requestState: state }, 'b1'));
    const ma = expectJsonRpcError(a, 200, -32602, /requestState.*another request/, 'b1');
    expect(ma.error.data).toEqual({ reason: 'binding' });
    const b = await r.post(rpc('resources/read', { uri: 'test://static', requestState: state }, 'b2', caps));
    expectJsonRpcError(b, 200, -32602, /requestState.*another request/, 'b2');
    await expectNothingLeft([a, b]);
  });
});

describe('message shapes (MH-02, JR)', () => {
  it('MH-02: a JSON-RPC response POSTed by the client → 400 -32600 naming responses', async () => {
    const a = await r.post({ jsonrpc: '2.0', id: 7, result: { resultType: 'complete', _meta: envelope() } });
    expectJsonRpcError(a, 400, -32600, /must not send JSON-RPC responses/);
    const b = await r.post({ jsonrpc: '2.0', id: 8, error: { code: -32000, message: 'no' } });
    expectJsonRpcError(b, 400, -32600, /must not send JSON-RPC responses/);
    await expectNothingLeft([a, b]);
  });

  it('MH-02: a batch → 400 -32600 naming batches, and none of its requests runs', async () => {
    const batch = [rpc('tools/call', { name: 'state_machine', arguments: {} }, 'x1', { [META_CAPS]: { elicitation: {} } }), rpc('tools/list', {}, 'x2')];
    s.observed.stateRuns.length = 0;
    const res = await r.post(batch, { 'mcp-method': 'tools/list' });
    expectJsonRpcError(res, 400, -32600, /[Bb]atch/);
    expect(s.observed.stateRuns).toEqual([]);
    await expectNothingLeft(res);
  });

  it('a tools/call whose name is an object with a "toString" key is -32602, not a 500 (String() of it throws)', async () => {
    for (const name of [{ toString: ' ' }, [{ toString: 1 }], { valueOf: 1, toString: 2 }]) {
      const body = rpc('tools/call', { name, arguments: {} });
      const res = await r.post(body, { 'mcp-name': 'x' });
      const msg = expectJsonRpcError(res, 200, -32602, /name/);
      expect(msg.id).toBe(1);
      expect(checkServerMessage(msg, () => 'tools/call')).toEqual([]);
    }
    await expectNothingLeft([]);
  });

  it('MH-02: a notification with the 2026 envelope → 202 with no body', async () => {
    const note = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'nope', _meta: envelope() } };
    const res = await r.post(note);
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    await expectNothingLeft(res);
  });
});

describe('sessions, GET/DELETE and removed methods (MH-01, M-09, MH-07, DUAL-06)', () => {
  it('MH-01/DUAL-06: a 2026 request with an unknown or a stale Mcp-Session-Id is served normally; no session is created or echoed', async () => {
    const unknown = await r.post(rpc('tools/list', {}, 'sid1'), { 'mcp-session-id': '0123456789abcdef0123456789abcdef' });
    expect(unknown.status).toBe(200);
    expect(unknown.json().result.tools.length).toBeGreaterThan(0);
    // A stale id: a legacy session that was deleted.
    const init = await r.send('POST', {
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'legacy', version: '1' } } }),
    });
    const sid = init.headers['mcp-session-id'] as string;
    expect(typeof sid).toBe('string');
    const del = await r.send('DELETE', { headers: { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' } });
    expect(del.status).toBe(200);
    const stale = await r.post(rpc('tools/call', { name: 'echo', arguments: { text: 'still here' } }, 'sid2'), { 'mcp-session-id': sid });
    expect(stale.status).toBe(200);
    expect(stale.json().result.content).toEqual([{ type: 'text', text: 'still here' }]);
    await expectNothingLeft([unknown, stale]);
  });

  it.each(['GET', 'DELETE'])('MH-01: %s with MCP-Protocol-Version 2026-07-28 → 405, Allow: POST, a JSON-RPC error body', async (method) => {
    const res = await r.send(method, { headers: { accept: 'text/event-stream', 'mcp-protocol-version': V, 'mcp-session-id': '0123456789abcdef0123456789abcdef' } });
    expectJsonRpcError(res, 405, -32600, new RegExp(`${method} is not allowed`));
    expect(res.headers.allow).toBe('POST');
    await expectNothingLeft(res);
  });

  it.each([
    ['initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } }],
    ['ping', {}],
    ['logging/setLevel', { level: 'debug' }],
    ['resources/subscribe', { uri: 'test://static' }],
    ['resources/unsubscribe', { uri: 'test://static' }],
  ])('M-09/MH-07: %s with the 2026 envelope → 404 -32601 naming the removal, and no session', async (method, params) => {
    const res = await r.post(rpc(method, params, 500));
    expectJsonRpcError(res, 404, -32601, new RegExp(`${method.replace('/', '\\/')}.*removed`), 500);
    await expectNothingLeft(res);
  });

  it('MH-07: an unknown method with the 2026 envelope → 404 -32601 naming it', async () => {
    const res = await r.post(rpc('unknown/method', {}, 601));
    expectJsonRpcError(res, 404, -32601, /unknown\/method/, 601);
    await expectNothingLeft(res);
  });
});

describe('resources (RES-02, ERR-02)', () => {
  it('RES-02: resources/read of an unknown uri → -32602 with data.uri (JSON, HTTP 200 per MH-08)', async () => {
    const uri = 'test://nonexistent-resource-for-conformance-testing';
    const res = await r.post(rpc('resources/read', { uri }, 'rr'));
    const msg = expectJsonRpcError(res, 200, -32602, /[Rr]esource not found.*nonexistent/, 'rr');
    expect(msg.error.data).toEqual({ uri });
    await expectNothingLeft(res);
  });
});

describe('subscriptions/listen (SUB-01, SUB-02, maxListenStreams)', () => {
  it('SUB-02: listen without text/event-stream in Accept → 406 -32600 naming the event stream, no stream opened', async () => {
    const res = await r.post(rpc('subscriptions/listen', { notifications: { toolsListChanged: true } }, 'l1'), { accept: 'application/json' });
    expectJsonRpcError(res, 406, -32600, /text\/event-stream/, 'l1');
    await expectNothingLeft(res);
  });

  it('SUB-01: listen without params.notifications → -32602 naming it', async () => {
    const res = await r.post(rpc('subscriptions/listen', {}, 'l2'));
    expectJsonRpcError(res, 200, -32602, /notifications/, 'l2');
    const bad = await r.post(rpc('subscriptions/listen', { notifications: { toolsListChanged: 'yes' } }, 'l3'));
    expectJsonRpcError(bad, 200, -32602, /toolsListChanged/, 'l3');
    await expectNothingLeft([res, bad]);
  });

  it('more listen streams than maxListenStreams (2) → 503 with Retry-After; after one closes a new one works', async () => {
    const capped = await startFixture({ maxListenStreams: 2 });
    const rc = raw(capped.url);
    const listen = (id: string) => rpc('subscriptions/listen', { notifications: { toolsListChanged: true } }, id);
    const opened: Awaited<ReturnType<Raw['open']>>[] = [];
    try {
      for (const id of ['a', 'b']) {
        const o = await rc.open(listen(id));
        opened.push(o);
        expect(o.status).toBe(200);
        const ack = (await o.reader!.nextMessage())?.message;
        expect(ack.method).toBe('notifications/subscriptions/acknowledged');
        expect(ack.params._meta[META_SUBSCRIPTION_ID]).toBe(id);
        expect(checkServerMessage(ack)).toEqual([]);
      }
      expect(capped.mcp.stats().listenStreams).toBe(2);

      const full = await rc.post(listen('c'));
      const msg = expectJsonRpcError(full, 503, -32603, /listen/, 'c');
      expect(msg.error.message).toMatch(/[Tt]oo many/);
      expect(Number(full.headers['retry-after'])).toBeGreaterThan(0);
      expect(capped.mcp.stats().listenStreams).toBe(2);

      // The client closes one stream: its slot is free again.
      await opened[0]!.reader!.cancel();
      opened[0]!.abort();
      await waitFor(() => capped.mcp.stats().listenStreams === 1, 'one listen stream after the close');
      const again = await rc.open(listen('d'));
      opened.push(again);
      expect(again.status).toBe(200);
      expect((await again.reader!.nextMessage())?.message.params._meta[META_SUBSCRIPTION_ID]).toBe('d');
      expect(capped.mcp.stats().listenStreams).toBe(2);
    } finally {
      for (const o of opened) {
        await o.reader?.cancel();
        o.abort();
      }
      await rc.close();
    }
    try {
      await waitFor(() => capped.mcp.stats().listenStreams === 0, 'every listen stream closed');
      await expectNothingLeft([], capped);
    } finally {
      await capped.close();
    }
  });
});

describe('still serving', () => {
  it('after every bad request above, tools/list still answers and nothing is left', async () => {
    await expectServes();
    await expectNothingLeft([]);
    // A sanity check of the headers helper itself: a plain 2026 request needs nothing more.
    expect(headersFor(rpc('tools/list'))).toMatchObject({ 'mcp-protocol-version': V, 'mcp-method': 'tools/list' });
  });
});
