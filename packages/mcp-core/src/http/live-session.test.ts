import { describe, expect, it, vi } from 'vitest';
import { testServers } from '../../test-support/servers';
import type { Mcp } from '../mcp';
import { createMemorySessionStore } from '../session/index';
import type { SessionRecord, SessionStore } from '../session/index';
import type { HandlerContext } from '../server/types';
import { LiveSession } from './live-session';
import type { SessionHost } from './live-session';

const URL_ = 'http://localhost/mcp';
const ACCEPT_BOTH = 'application/json, text/event-stream';

const server = testServers();

const post = (body: unknown, headers: Record<string, string> = {}) =>
  new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT_BOTH, ...headers }, body: JSON.stringify(body) });

async function open(mcp: Mcp, capabilities: Record<string, unknown> = {}, clientInfo = { name: 'c', version: '1' }): Promise<string> {
  const res = await mcp.handle(post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities, clientInfo } }));
  expect(res.status).toBe(200);
  const sid = res.headers.get('mcp-session-id')!;
  const ack = await mcp.handle(post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sid }));
  expect(ack.status).toBe(202);
  return sid;
}

const ping = (mcp: Mcp, sid: string) => mcp.handle(post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { 'mcp-session-id': sid }));
const del = (mcp: Mcp, sid: string) => mcp.handle(new Request(URL_, { method: 'DELETE', headers: { 'mcp-session-id': sid } }));

/** A store that records every call and keeps JSON copies, like a remote backend. */
function recordingStore(): SessionStore & { calls: string[]; written: unknown[]; data: Map<string, string> } {
  const data = new Map<string, string>();
  const calls: string[] = [];
  const written: unknown[] = [];
  return {
    calls,
    written,
    data,
    get(id) {
      calls.push(`get ${id}`);
      const text = data.get(id);
      return text === undefined ? undefined : (JSON.parse(text) as SessionRecord);
    },
    set(record) {
      calls.push(`set ${record.state}`);
      written.push(record);
      data.set(record.id, JSON.stringify(record));
    },
    delete(id) {
      calls.push('delete');
      data.delete(id);
    },
    count: () => data.size,
  };
}

describe('LiveSession as its own record (W4)', () => {
  const host: SessionHost = {
    events: undefined,
    keepAliveMs: 0,
    maxBufferedBytes: 1 << 20,
    clientRequestTimeoutMs: 1000,
    retryMs: 1000,
    stats: { connections: 0, pendingClientRequests: 0 },
    save: () => {},
    forget: () => {},
  };

  it('round-trips every record field, including timestamps far from now', () => {
    const record: SessionRecord = {
      id: 'abc',
      state: 'ready',
      protocolVersion: '2025-03-26',
      clientCapabilities: { roots: { listChanged: true } },
      clientInfo: { name: 'c', version: '2', title: 'C' },
      logLevel: 'warning',
      subscriptions: ['file:///a', 'file:///b'],
      subject: 'alice',
      createdAt: 0,
      lastSeenAt: 8_640_000_000_000_000,
    };
    const session = new LiveSession(host, record);
    expect(session.record).toBe(session);
    const out = session.toRecord();
    expect(out).toEqual(record);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    // Plain data: a serialising store can take it as it is.
    expect(JSON.parse(JSON.stringify(out))).toEqual(record);
    expect(structuredClone(out)).toEqual(record);
    // Copies, not the caller's objects.
    expect(out.subscriptions).not.toBe(record.subscriptions);
    expect(session.clientCapabilities).not.toBe(record.clientCapabilities);
    expect(Object.isFrozen(session.clientCapabilities)).toBe(true);
  });

  it('keeps exact millisecond timestamps through the setters', () => {
    const now = Date.now();
    const session = new LiveSession(host, { id: 'x', state: 'initializing', protocolVersion: '2025-06-18', clientCapabilities: {}, createdAt: now, lastSeenAt: now });
    for (const t of [now + 1, now - 123_456, now + 40 * 86_400_000, 1.5, -(2 ** 40)]) {
      session.lastSeenAt = t;
      expect(session.lastSeenAt).toBe(t);
      expect(session.toRecord().lastSeenAt).toBe(t);
    }
    expect(session.createdAt).toBe(now);
  });

  it('an idle session has no log level, subscriptions, streams or requests, and holds none of their state', () => {
    const session = new LiveSession(host, { id: 'x', state: 'ready', protocolVersion: '2025-06-18', clientCapabilities: {}, createdAt: 1, lastSeenAt: 1 });
    expect(session.logLevel).toBeUndefined();
    expect(session.subscriptions).toBeUndefined();
    expect(session.standalone).toBeUndefined();
    expect(session.channel).toBeUndefined();
    expect(session.inflight.size).toBe(0);
    expect(session.streams.size).toBe(0);
    expect(session.pendingCount).toBe(0);
    session.standalone = undefined;
    session.logLevel = undefined;
    expect(session.toRecord()).toEqual({ id: 'x', state: 'ready', protocolVersion: '2025-06-18', clientCapabilities: {}, createdAt: 1, lastSeenAt: 1 });
    session.setLogLevel('error');
    session.subscribe('file:///a');
    session.subscribe('file:///a');
    expect(session.toRecord()).toMatchObject({ logLevel: 'error', subscriptions: ['file:///a'] });
    session.unsubscribe('file:///a');
    expect(session.subscriptions).toEqual([]);
  });
});

describe('session storage (W4)', () => {
  it('a custom store gets plain records of the session and its changes; DELETE deletes', async () => {
    const store = recordingStore();
    const mcp = server({ sessions: { store } });
    const sid = await open(mcp);
    expect(store.calls).toEqual(['set initializing', 'set ready']);
    for (const r of store.written) {
      expect(r).not.toBeInstanceOf(LiveSession);
      expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    }
    const stored = JSON.parse(store.data.get(sid)!) as SessionRecord;
    expect(stored).toMatchObject({ id: sid, state: 'ready', protocolVersion: '2025-06-18', clientCapabilities: {}, clientInfo: { name: 'c', version: '1' } });
    expect(stored.createdAt).toBeLessThanOrEqual(stored.lastSeenAt);
    expect(Math.abs(stored.createdAt - Date.now())).toBeLessThan(60_000);
    await mcp.handle(post({ jsonrpc: '2.0', id: 2, method: 'logging/setLevel', params: { level: 'error' } }, { 'mcp-session-id': sid }));
    expect(JSON.parse(store.data.get(sid)!).logLevel).toBe('error');
    expect((await del(mcp, sid)).status).toBe(200);
    expect(store.data.has(sid)).toBe(false);
    expect(store.calls.at(-1)).toBe('delete');
  });

  it('a store that throws or rejects is reported to onError and the request still succeeds', async () => {
    const errors: unknown[] = [];
    const boom = new Error('store down');
    const store: SessionStore = {
      get: () => undefined,
      set: () => {
        throw boom;
      },
      delete: () => Promise.reject(boom),
      count: () => 0,
    };
    const mcp = server({ sessions: { store }, onError: (e) => errors.push(e) });
    const sid = await open(mcp);
    expect((await ping(mcp, sid)).status).toBe(200);
    expect((await del(mcp, sid)).status).toBe(200);
    await vi.waitFor(() => expect(errors).toEqual([boom, boom, boom]));
  });

  it('the memory store reads a session as it is now, and a second server sharing it can serve the session', async () => {
    const store = createMemorySessionStore();
    const a = server({ sessions: { store } });
    const b = server({ sessions: { store } });
    const sid = await open(a);
    const first = await store.get(sid);
    expect(first).toMatchObject({ id: sid, state: 'ready', clientInfo: { name: 'c', version: '1' } });
    await new Promise((r) => setTimeout(r, 5));
    expect((await ping(a, sid)).status).toBe(200);
    expect((await store.get(sid))!.lastSeenAt).toBeGreaterThan(first!.lastSeenAt);
    expect(await store.count()).toBe(1);
    // The other server finds it in the store (another process, shared backend).
    expect((await ping(b, sid)).status).toBe(200);
    expect(b.stats().sessions).toBe(1);
    expect((await del(a, sid)).status).toBe(200);
    expect(await store.get(sid)).toBeUndefined();
    expect(await store.count()).toBe(0);
  });

  it('handlers see frozen client capabilities and info, shared by sessions that sent the same ones', async () => {
    const mcp = server();
    const seen: HandlerContext[] = [];
    mcp.tool('who', {}, (_args, ctx) => {
      seen.push(ctx);
      return { content: [] };
    });
    const caps = { sampling: {}, roots: { listChanged: true } };
    const s1 = await open(mcp, caps);
    const s2 = await open(mcp, { roots: { listChanged: true }, sampling: {} });
    const s3 = await open(mcp, caps);
    for (const sid of [s1, s2, s3]) {
      const res = await mcp.handle(post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'who' } }, { 'mcp-session-id': sid }));
      expect((await res.json()).result).toBeDefined();
    }
    const [c1, c2, c3] = seen;
    expect(c1!.clientCapabilities).toEqual(caps);
    expect(c2!.clientCapabilities).toEqual({ roots: { listChanged: true }, sampling: {} });
    expect(c1!.clientCapabilities).toBe(c3!.clientCapabilities);
    expect(c1!.clientInfo).toBe(c2!.clientInfo);
    expect(c1!.clientInfo).toEqual({ name: 'c', version: '1' });
    expect(Object.isFrozen(c1!.clientCapabilities)).toBe(true);
    expect(Object.isFrozen(c1!.clientCapabilities.roots)).toBe(true);
    expect(Object.isFrozen(c1!.clientInfo)).toBe(true);
  });

  it('expires idle sessions on time, also when timestamps are far from the process start (SES-05)', async () => {
    vi.useFakeTimers({ now: Date.now() + 90 * 86_400_000 });
    const mcp = server({ sessions: { idleTimeoutMs: 1000 } });
    const idle = await open(mcp);
    const busy = await open(mcp);
    vi.advanceTimersByTime(600);
    expect((await ping(mcp, busy)).status).toBe(200);
    vi.advanceTimersByTime(600);
    expect(mcp.stats().sessions).toBe(1);
    expect((await ping(mcp, idle)).status).toBe(404);
    expect((await ping(mcp, busy)).status).toBe(200);
    vi.advanceTimersByTime(1600);
    expect(mcp.stats().sessions).toBe(0);
    expect(mcp.stats().timers).toBe(0);
  });

  it('maxSessions counts live sessions; a closed one frees its place', async () => {
    const mcp = server({ sessions: { maxSessions: 2 } });
    const a = await open(mcp);
    await open(mcp);
    const full = await mcp.handle(post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }));
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('5');
    expect((await del(mcp, a)).status).toBe(200);
    await open(mcp);
    expect(mcp.stats().sessions).toBe(2);
  });
});
