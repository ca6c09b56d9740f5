import { describe, expect, it } from 'vitest';
import { createMemorySessionStore, memoryStoreLink } from './store';
import type { LiveRecord, SessionRecord, SessionStore } from './store';

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

  it('memoryStoreLink: only memory stores hold live sessions by reference', () => {
    expect(memoryStoreLink(createMemorySessionStore())).toBeTypeOf('function');
    const other: SessionStore = { get: () => undefined, set: () => {}, delete: () => {}, count: () => 0 };
    expect(memoryStoreLink(other)).toBeUndefined();
  });

  it('a linked session is read as a fresh copy of its current record; set, delete and count treat it as an entry', async () => {
    const store = createMemorySessionStore();
    const link = memoryStoreLink(store)!;
    let current = record('live', { clientCapabilities: Object.freeze({ sampling: Object.freeze({}) }) });
    let reads = 0;
    const live: LiveRecord = {
      id: 'live',
      toRecord: () => {
        reads++;
        return current;
      },
    };
    link(live);
    expect(reads).toBe(0); // linking copies nothing
    expect(await store.count()).toBe(1);
    current = { ...current, state: 'ready', lastSeenAt: 5 };
    const got = await store.get('live');
    expect(got).toEqual(current);
    expect(got).not.toBe(current);
    // A copy like any other read: mutable, and changing it changes nothing stored.
    expect(Object.isFrozen(got!.clientCapabilities)).toBe(false);
    got!.state = 'closed';
    expect((await store.get('live'))?.state).toBe('ready');
    // set replaces the link with a copy; linking again replaces the copy.
    await store.set(record('live', { logLevel: 'debug' }));
    current = { ...current, logLevel: 'error' };
    expect((await store.get('live'))?.logLevel).toBe('debug');
    link(live);
    expect((await store.get('live'))?.logLevel).toBe('error');
    expect(await store.count()).toBe(1);
    await store.delete('live');
    expect(await store.get('live')).toBeUndefined();
    expect(await store.count()).toBe(0);
  });
});
