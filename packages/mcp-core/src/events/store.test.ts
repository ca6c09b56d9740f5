import { describe, expect, it } from 'vitest';
import { EVENT_ID_SEPARATOR, createMemoryEventStore, formatEventId, isValidStreamId, parseEventId } from './store';

const msg = (n: number) => JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { n } });

describe('event ids (RSM-02)', () => {
  it('round trip: append -> streamOf maps back to the stream', () => {
    const store = createMemoryEventStore();
    const id = store.append('abc_-09', msg(1));
    expect(id).toBe(`abc_-09${EVENT_ID_SEPARATOR}1`);
    expect(store.streamOf(id)).toBe('abc_-09');
    expect(parseEventId(id)).toEqual({ streamId: 'abc_-09', seq: 1 });
    expect(parseEventId(formatEventId('s', 42))).toEqual({ streamId: 's', seq: 42 });
  });

  it('per-stream sequence numbers start at 1 and are unique across streams (RSM-01)', () => {
    const store = createMemoryEventStore();
    const ids = [store.append('a', msg(1)), store.append('b', msg(2)), store.append('a', msg(3)), store.append('b', msg(4))];
    expect(ids).toEqual(['a.1', 'b.1', 'a.2', 'b.2']);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stream ids are validated: non-empty, visible ASCII, no separator', () => {
    const store = createMemoryEventStore();
    for (const bad of ['', 'a.b', '.', 'a b', 'a\nb', 'é']) {
      expect(isValidStreamId(bad)).toBe(false);
      expect(() => store.append(bad, msg(1))).toThrow(TypeError);
    }
    expect(isValidStreamId('0123456789abcdef')).toBe(true);
    expect(isValidStreamId('AZaz09-_')).toBe(true);
    expect(store.stats()).toEqual({ streams: 0, events: 0, bytes: 0 });
  });

  it('malformed ids -> undefined', () => {
    const store = createMemoryEventStore();
    store.append('s', msg(1));
    store.append('s', msg(2));
    for (const bad of ['', 's', 's.', '.1', 's.0', 's.01', 's.-1', 's.1.2', 's.1x', 's.x', 's..1', ' s.1', 's.1 ', 's.99999999999999999', 'a b.1']) {
      expect(store.streamOf(bad), bad).toBeUndefined();
      expect(store.eventsAfter(bad), bad).toBeUndefined();
    }
    expect(store.eventsAfter('s.1')?.map((e) => e.id)).toEqual(['s.2']);
  });

  it('unknown stream, or a seq never issued on it -> undefined', () => {
    const store = createMemoryEventStore();
    store.append('s', msg(1));
    expect(store.streamOf('t.1')).toBeUndefined();
    expect(store.eventsAfter('t.1')).toBeUndefined();
    expect(store.streamOf('s.2')).toBeUndefined();
    expect(store.eventsAfter('s.2')).toBeUndefined();
  });
});

describe('replay', () => {
  it('per-stream ordering: events strictly after the id, in order', () => {
    const store = createMemoryEventStore();
    const ids = Array.from({ length: 5 }, (_, i) => store.append('s', msg(i)));
    expect(store.eventsAfter(ids[0]!)).toEqual(ids.slice(1).map((id, i) => ({ id, message: msg(i + 1) })));
    expect(store.eventsAfter(ids[2]!)?.map((e) => e.id)).toEqual(ids.slice(3));
    expect(store.eventsAfter(ids[4]!)).toEqual([]);
  });

  it('RSM-03: never replays another stream\'s events', () => {
    const store = createMemoryEventStore();
    const a1 = store.append('a', 'a1');
    store.append('b', 'b1');
    store.append('a', 'a2');
    const b2 = store.append('b', 'b2');
    store.append('b', 'b3');
    store.append('a', 'a3');
    expect(store.eventsAfter(a1)?.map((e) => e.message)).toEqual(['a2', 'a3']);
    expect(store.eventsAfter(b2)?.map((e) => e.message)).toEqual(['b3']);
    for (const e of store.eventsAfter(a1) ?? []) expect(store.streamOf(e.id)).toBe('a');
  });

  it('the returned list is a snapshot: later appends do not change it', () => {
    const store = createMemoryEventStore();
    const first = store.append('s', 'm1');
    store.append('s', 'm2');
    const replay = store.eventsAfter(first);
    store.append('s', 'm3');
    expect(replay?.map((e) => e.message)).toEqual(['m2']);
  });
});

describe('bounds', () => {
  it('eviction by count keeps the newest; an evicted id replays what is retained (gap)', () => {
    const store = createMemoryEventStore({ maxEventsPerStream: 3 });
    const ids = Array.from({ length: 6 }, (_, i) => store.append('s', `m${i + 1}`));
    expect(store.stats().events).toBe(3);
    expect(store.eventsAfter(ids[0]!)?.map((e) => e.message)).toEqual(['m4', 'm5', 'm6']);
    expect(store.eventsAfter(ids[3]!)?.map((e) => e.message)).toEqual(['m5', 'm6']);
    expect(store.streamOf(ids[0]!)).toBe('s');
  });

  it('eviction by bytes keeps the newest (bytes = length * 2)', () => {
    const store = createMemoryEventStore({ maxBytesPerStream: 100 });
    const ids = Array.from({ length: 10 }, (_, i) => store.append('s', `${i}`.padEnd(10, 'x'))); // 20 bytes each
    expect(store.stats()).toEqual({ streams: 1, events: 5, bytes: 100 });
    expect(store.eventsAfter(ids[0]!)?.map((e) => e.id)).toEqual(ids.slice(5));
  });

  it('the newest event is kept even when it alone exceeds the byte bound', () => {
    const store = createMemoryEventStore({ maxBytesPerStream: 10 });
    const a = store.append('s', 'small');
    const big = store.append('s', 'x'.repeat(100));
    expect(store.stats()).toEqual({ streams: 1, events: 1, bytes: 200 });
    expect(store.eventsAfter(a)?.map((e) => e.id)).toEqual([big]);
    store.append('s', 'y');
    expect(store.stats()).toEqual({ streams: 1, events: 1, bytes: 2 });
  });

  it('maxStreams drops the least recently appended stream', () => {
    const store = createMemoryEventStore({ maxStreams: 2 });
    const a1 = store.append('a', 'a1');
    const b1 = store.append('b', 'b1');
    store.append('a', 'a2'); // a is now the most recent
    const c1 = store.append('c', 'c1'); // drops b
    expect(store.stats()).toEqual({ streams: 2, events: 3, bytes: 2 * 2 * 3 });
    expect(store.streamOf(b1)).toBeUndefined();
    expect(store.eventsAfter(b1)).toBeUndefined();
    expect(store.eventsAfter(a1)?.map((e) => e.message)).toEqual(['a2']);
    expect(store.streamOf(c1)).toBe('c');
  });

  it('RSM-07: deleteStream frees everything', () => {
    const store = createMemoryEventStore();
    const a1 = store.append('a', 'a1');
    store.append('a', 'a2');
    store.append('b', 'b1');
    store.deleteStream('a');
    expect(store.streamOf(a1)).toBeUndefined();
    expect(store.eventsAfter(a1)).toBeUndefined();
    expect(store.stats()).toEqual({ streams: 1, events: 1, bytes: 4 });
    store.deleteStream('b');
    store.deleteStream('b');
    store.deleteStream('never');
    store.deleteStream('bad.id');
    expect(store.stats()).toEqual({ streams: 0, events: 0, bytes: 0 });
  });

  it('a 10,000-append loop over rotating streams stays bounded and never reuses an id (RSM-01)', () => {
    const store = createMemoryEventStore({ maxEventsPerStream: 100, maxStreams: 5 });
    const ids = new Set<string>();
    for (let i = 1; i <= 10_000; i++) {
      ids.add(store.append(`s${i % 7}`, msg(i)));
      const stats = store.stats();
      expect(stats.streams).toBeLessThanOrEqual(5);
      expect(stats.events).toBeLessThanOrEqual(500);
    }
    expect(ids.size).toBe(10_000);
    for (const s of ['s0', 's1', 's2', 's3', 's4', 's5', 's6']) store.deleteStream(s);
    expect(store.stats()).toEqual({ streams: 0, events: 0, bytes: 0 });
  });

  it('a reused stream id continues above dropped sequence numbers (RSM-01)', () => {
    const store = createMemoryEventStore();
    const old = [store.append('s', 'o1'), store.append('s', 'o2'), store.append('s', 'o3')];
    store.deleteStream('s');
    const fresh = store.append('s', 'n1');
    expect(old).not.toContain(fresh);
    expect(parseEventId(fresh)?.seq).toBe(4);
    // An id from the earlier incarnation replays the whole new stream, never stale events.
    expect(store.eventsAfter(old[0]!)?.map((e) => e.message)).toEqual(['n1']);
    // Brand-new streams in a fresh store start at 1.
    expect(createMemoryEventStore().append('t', 'x')).toBe('t.1');
  });

  it('many streams, 10,000 appends each round-robin within maxStreams: replay stays consecutive', () => {
    const store = createMemoryEventStore({ maxEventsPerStream: 100, maxStreams: 7 });
    let last = '';
    for (let i = 1; i <= 10_000; i++) last = store.append(`s${i % 7}`, msg(i));
    expect(store.stats()).toMatchObject({ streams: 7, events: 700 });
    const { streamId, seq } = parseEventId(last)!;
    const replay = store.eventsAfter(formatEventId(streamId, 1))!;
    expect(replay.map((e) => parseEventId(e.id)!.seq)).toEqual(Array.from({ length: 100 }, (_, i) => seq - 99 + i));
    expect(replay.at(-1)?.id).toBe(last);
  });

  it('single stream, 10,000 appends: bytes and events match what is retained', () => {
    const store = createMemoryEventStore({ maxEventsPerStream: 1000 });
    let first = '';
    for (let i = 0; i < 10_000; i++) {
      const id = store.append('one', msg(i));
      if (i === 0) first = id;
    }
    const retained = store.eventsAfter(first)!;
    expect(retained).toHaveLength(1000);
    expect(store.stats()).toEqual({ streams: 1, events: 1000, bytes: retained.reduce((n, e) => n + e.message.length * 2, 0) });
    expect(retained[0]?.message).toBe(msg(9000));
  });

  it('rejects non-positive or non-integer bounds', () => {
    expect(() => createMemoryEventStore({ maxEventsPerStream: 0 })).toThrow(RangeError);
    expect(() => createMemoryEventStore({ maxBytesPerStream: 1.5 })).toThrow(RangeError);
    expect(() => createMemoryEventStore({ maxStreams: -1 })).toThrow(RangeError);
  });
});
