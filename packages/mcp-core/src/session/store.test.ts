import { describe, expect, it } from 'vitest';
import { createMemorySessionStore } from './store';
import type { SessionRecord } from './store';

function record(id: string, over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    state: 'initializing',
    protocolVersion: '2025-06-18',
    clientCapabilities: { roots: { listChanged: true } },
    clientInfo: { name: 'c', version: '1' },
    createdAt: 1,
    lastSeenAt: 1,
    ...over,
  };
}

describe('memory session store', () => {
  it('set / get / delete / count', async () => {
    const store = createMemorySessionStore();
    expect(await store.count()).toBe(0);
    expect(await store.get('a')).toBeUndefined();
    await store.set(record('a'));
    await store.set(record('b', { subject: 'alice' }));
    expect(await store.count()).toBe(2);
    expect(await store.get('a')).toEqual(record('a'));
    expect((await store.get('b'))?.subject).toBe('alice');
    await store.delete('a');
    await store.delete('unknown');
    expect(await store.get('a')).toBeUndefined();
    expect(await store.count()).toBe(1);
    await store.delete('b');
    expect(await store.count()).toBe(0);
  });

  it('set replaces the record with the same id', async () => {
    const store = createMemorySessionStore();
    await store.set(record('a'));
    await store.set(record('a', { state: 'ready', logLevel: 'debug', subscriptions: ['file:///x'] }));
    expect(await store.count()).toBe(1);
    const got = await store.get('a');
    expect(got?.state).toBe('ready');
    expect(got?.logLevel).toBe('debug');
    expect(got?.subscriptions).toEqual(['file:///x']);
  });

  it('copies records like a serializing backend: mutations persist only via set', async () => {
    const store = createMemorySessionStore();
    const r = record('a', { subscriptions: [] });
    await store.set(r);
    r.state = 'ready';
    r.subscriptions?.push('x');
    const got = await store.get('a');
    expect(got?.state).toBe('initializing');
    expect(got?.subscriptions).toEqual([]);
    got!.logLevel = 'error';
    expect((await store.get('a'))?.logLevel).toBeUndefined();
  });

  it('stores are independent', async () => {
    const a = createMemorySessionStore();
    const b = createMemorySessionStore();
    await a.set(record('x'));
    expect(await b.get('x')).toBeUndefined();
  });
});
