import { afterEach, describe, expect, it, vi } from 'vitest';
import type { McpEvent } from '../bus/index';
import { createMemoryBus } from '../bus/index';
import { SSE_HEADERS } from '../sse/stream';
import { ListenHub, SUBSCRIPTION_ID_META_KEY } from './listen';
import type { ListenSettings } from './listen';

const decoder = new TextDecoder();
const KEY = SUBSCRIPTION_ID_META_KEY;

/** One parsed SSE frame: a JSON `data:` payload, or a comment. */
type Frame = { kind: 'data'; json: any; raw: string } | { kind: 'comment'; raw: string };

/** Reads SSE frames off a response body. */
class FrameReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buffer = '';
  constructor(response: Response) {
    this.#reader = response.body!.getReader();
  }
  /** The next frame, or undefined at the end of the stream. */
  async next(): Promise<Frame | undefined> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end !== -1) {
        const raw = this.#buffer.slice(0, end + 2);
        this.#buffer = this.#buffer.slice(end + 2);
        const lines = raw.slice(0, -2).split('\n');
        if (lines.every((l) => l.startsWith(':'))) return { kind: 'comment', raw };
        expect(lines.every((l) => l.startsWith('data: '))).toBe(true); // no ids, no event names: not resumable
        return { kind: 'data', json: JSON.parse(lines.map((l) => l.slice(6)).join('\n')), raw };
      }
      const { value, done } = await this.#reader.read();
      if (done) {
        expect(this.#buffer).toBe('');
        return undefined;
      }
      this.#buffer += decoder.decode(value, { stream: true });
    }
  }
  /** The next data frame's JSON (fails on a comment or the end). */
  async message(): Promise<any> {
    const frame = await this.next();
    if (frame?.kind !== 'data') throw new Error(`expected a data frame, got ${frame === undefined ? 'the end' : frame.raw}`);
    return frame.json;
  }
  /** Every remaining data frame's JSON up to the end of the stream. */
  async rest(): Promise<any[]> {
    const out: any[] = [];
    for (;;) {
      const frame = await this.next();
      if (frame === undefined) return out;
      if (frame.kind === 'data') out.push(frame.json);
    }
  }
  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

const ALL_HONOURED: ListenSettings['honours'] = {
  toolsListChanged: true,
  promptsListChanged: true,
  resourcesListChanged: true,
  resourceSubscriptions: true,
};

function makeHub(overrides: Partial<ListenSettings> = {}): ListenHub {
  return new ListenHub({
    keepAliveMs: 0,
    maxBufferedBytes: 1 << 20,
    maxStreams: 100,
    honours: ALL_HONOURED,
    resultMeta: {},
    ...overrides,
  });
}

const note = (method: string, id: string | number, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  method,
  params: { ...extra, _meta: { [KEY]: id } },
});
const finalResult = (id: string | number, meta: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  result: { resultType: 'complete', _meta: { ...meta, [KEY]: id } },
});

afterEach(() => {
  vi.useRealTimers();
});

describe('ListenHub.open', () => {
  it('answers 200 SSE and acknowledges first with the honoured subset and a string id (SUB-03, TRAP-19)', async () => {
    const hub = makeHub({ honours: { ...ALL_HONOURED, promptsListChanged: false } });
    const response = hub.open('listen-1', {
      toolsListChanged: true,
      promptsListChanged: true, // not honoured: omitted
      resourcesListChanged: false, // false: omitted
      resourceSubscriptions: ['test://a', 'test://b'],
    });
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toEqual({ ...SSE_HEADERS });
    const reader = new FrameReader(response);
    const ack = await reader.message();
    expect(ack).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/subscriptions/acknowledged',
      params: { notifications: { toolsListChanged: true, resourceSubscriptions: ['test://a', 'test://b'] }, _meta: { [KEY]: 'listen-1' } },
    });
    expect(hub.count).toBe(1);
    hub.close();
    expect(await reader.rest()).toEqual([finalResult('listen-1')]);
  });

  it('keeps a numeric id numeric, and omits resourceSubscriptions when empty or not honoured (SUB-08)', async () => {
    const hub = makeHub();
    const r1 = new FrameReader(hub.open(7, { resourcesListChanged: true, resourceSubscriptions: [] }));
    const ack1 = await r1.message();
    expect(ack1.params).toEqual({ notifications: { resourcesListChanged: true }, _meta: { [KEY]: 7 } });
    expect(typeof ack1.params._meta[KEY]).toBe('number');

    const hub2 = makeHub({ honours: { ...ALL_HONOURED, resourceSubscriptions: false } });
    const r2 = new FrameReader(hub2.open(0, { resourceSubscriptions: ['test://a'] }));
    expect((await r2.message()).params).toEqual({ notifications: {}, _meta: { [KEY]: 0 } });
    // Not honoured: updates never reach it.
    hub2.dispatch({ type: 'resources/updated', uri: 'test://a' });
    hub2.close();
    expect(await r2.rest()).toEqual([finalResult(0)]);
    hub.close();
    expect(await r1.rest()).toEqual([finalResult(7)]);
  });

  it('never sends a kind that was not requested or not honoured (SUB-04)', async () => {
    const hub = makeHub({ honours: { ...ALL_HONOURED, promptsListChanged: false } });
    const reader = new FrameReader(hub.open('s', { toolsListChanged: true, promptsListChanged: true }));
    await reader.message();
    hub.dispatch({ type: 'prompts/list_changed' });
    hub.dispatch({ type: 'resources/list_changed' });
    hub.dispatch({ type: 'resources/updated', uri: 'test://a' });
    hub.dispatch({ type: 'tools/list_changed' });
    hub.close();
    expect(await reader.rest()).toEqual([note('notifications/tools/list_changed', 's'), finalResult('s')]);
  });

  it('fans out to each matching stream, each copy tagged with its own id (SUB-07)', async () => {
    const hub = makeHub();
    const a = new FrameReader(hub.open('a', { toolsListChanged: true, promptsListChanged: true, resourcesListChanged: true }));
    const b = new FrameReader(hub.open(2, { toolsListChanged: true }));
    await a.message();
    await b.message();
    expect(hub.count).toBe(2);
    const events: McpEvent[] = [{ type: 'tools/list_changed' }, { type: 'prompts/list_changed' }, { type: 'resources/list_changed' }];
    for (const e of events) hub.dispatch(e);
    hub.close();
    expect(await a.rest()).toEqual([
      note('notifications/tools/list_changed', 'a'),
      note('notifications/prompts/list_changed', 'a'),
      note('notifications/resources/list_changed', 'a'),
      finalResult('a'),
    ]);
    expect(await b.rest()).toEqual([note('notifications/tools/list_changed', 2), finalResult(2)]);
    expect(hub.count).toBe(0);
  });

  it('matches resources/updated on the exact uri and its sub-resources only (SUB-08)', async () => {
    const hub = makeHub();
    const reader = new FrameReader(hub.open('r', { resourceSubscriptions: ['test://a', 'file:///dir/'] }));
    await reader.message();
    const uris = [
      'test://a', // exact
      'test://ab', // no: not a sub-resource
      'test://a/b/c', // '/'
      'test://a?v=2', // '?'
      'test://a#top', // '#'
      'test://', // no: a parent, not a child
      'test://b', // no
      'file:///dir/x.txt', // under a subscription ending in '/'
      'file:///dirx', // no
    ];
    for (const uri of uris) hub.dispatch({ type: 'resources/updated', uri });
    hub.close();
    const got = await reader.rest();
    expect(got.slice(0, -1)).toEqual(
      ['test://a', 'test://a/b/c', 'test://a?v=2', 'test://a#top', 'file:///dir/x.txt'].map((uri) =>
        note('notifications/resources/updated', 'r', { uri }),
      ),
    );
    expect(got.at(-1)).toEqual(finalResult('r'));
  });

  it('puts uri before _meta and escapes it as JSON', async () => {
    const hub = makeHub();
    const uri = 'test://a/"quoted"\\\u2028';
    const reader = new FrameReader(hub.open('q"', { resourceSubscriptions: ['test://a'] }));
    await reader.message();
    hub.dispatch({ type: 'resources/updated', uri });
    const frame = await reader.next();
    expect(frame?.kind).toBe('data');
    expect(frame?.raw).toBe(`data: ${JSON.stringify(note('notifications/resources/updated', 'q"', { uri }))}\n\n`);
    hub.close();
  });

  it('ends the subscription when the request signal aborts, without a result, and forgets it', async () => {
    const hub = makeHub();
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const reader = new FrameReader(hub.open('x', { toolsListChanged: true }, controller.signal));
    await reader.message();
    expect(hub.count).toBe(1);
    controller.abort();
    expect(hub.count).toBe(0);
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    hub.dispatch({ type: 'tools/list_changed' });
    expect(await reader.rest()).toEqual([]); // abrupt close: no final result (SUB-06)
  });

  it('registers nothing for an already aborted signal', async () => {
    const hub = makeHub({ keepAliveMs: 10 });
    const controller = new AbortController();
    controller.abort();
    const reader = new FrameReader(hub.open('x', { toolsListChanged: true }, controller.signal));
    expect(hub.count).toBe(0);
    expect(hub.timers).toBe(0);
    expect((await reader.rest()).map((m) => m.method)).toEqual(['notifications/subscriptions/acknowledged']);
  });

  it('forgets the subscription, and its abort listener, when the reader cancels (SUB-07)', async () => {
    const hub = makeHub({ keepAliveMs: 1000 });
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const reader = new FrameReader(hub.open('c', { toolsListChanged: true }, controller.signal));
    await reader.message();
    expect(hub.timers).toBe(1);
    await reader.cancel();
    expect(hub.count).toBe(0);
    expect(hub.timers).toBe(0);
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    expect(() => hub.dispatch({ type: 'tools/list_changed' })).not.toThrow();
    controller.abort(); // nothing left to react
    expect(hub.count).toBe(0);
  });

  it('reports count and full against maxStreams', async () => {
    const hub = makeHub({ maxStreams: 2 });
    expect(hub.count).toBe(0);
    expect(hub.full).toBe(false);
    const a = new FrameReader(hub.open(1, {}));
    expect(hub.full).toBe(false);
    const b = new FrameReader(hub.open(2, {}));
    expect(hub.count).toBe(2);
    expect(hub.full).toBe(true);
    await a.message();
    await a.cancel();
    expect(hub.count).toBe(1);
    expect(hub.full).toBe(false);
    hub.close();
    expect(hub.count).toBe(0);
    expect((await b.rest()).map((m) => m.method ?? 'result')).toEqual(['notifications/subscriptions/acknowledged', 'result']);
    expect(makeHub({ maxStreams: 0 }).full).toBe(true);
  });

  it('close() sends the final result with resultMeta, then ends, and the hub stays usable (SUB-06, TRAP-11)', async () => {
    const serverInfo = { name: 'demo', version: '1.0.0' };
    const hub = makeHub({ resultMeta: { 'io.modelcontextprotocol/serverInfo': serverInfo, [KEY]: 'overridden' } });
    const reader = new FrameReader(hub.open(5, { toolsListChanged: true }));
    hub.dispatch({ type: 'tools/list_changed' });
    hub.close();
    expect(hub.count).toBe(0);
    expect(await reader.rest()).toEqual([
      expect.objectContaining({ method: 'notifications/subscriptions/acknowledged' }),
      note('notifications/tools/list_changed', 5),
      finalResult(5, { 'io.modelcontextprotocol/serverInfo': serverInfo }),
    ]);
    hub.close(); // idempotent
    const again = new FrameReader(hub.open('again', {}));
    expect(hub.count).toBe(1);
    hub.close();
    expect((await again.rest()).at(-1)).toEqual(finalResult('again', { 'io.modelcontextprotocol/serverInfo': serverInfo }));
  });

  it('sends a keep-alive comment every keepAliveMs and stops the timer on close', async () => {
    vi.useFakeTimers();
    const hub = makeHub({ keepAliveMs: 50 });
    const reader = new FrameReader(hub.open('k', {}));
    await reader.message();
    expect(hub.timers).toBe(1);
    // The keep-alive starts once the stream is idle (the reader waits with nothing queued).
    const ping = reader.next();
    await vi.advanceTimersByTimeAsync(50);
    expect(await ping).toEqual({ kind: 'comment', raw: ':\n\n' });
    hub.close();
    expect(hub.timers).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect((await reader.rest()).at(-1)).toEqual(finalResult('k'));
  });

  it('drops a reader that falls behind maxBufferedBytes', async () => {
    const hub = makeHub({ maxBufferedBytes: 400 });
    const response = hub.open('slow', { toolsListChanged: true });
    for (let i = 0; i < 10; i++) hub.dispatch({ type: 'tools/list_changed' });
    expect(hub.count).toBe(0);
    await expect(response.body!.getReader().read()).rejects.toThrow(/overflow/);
  });

  it('rejects bad settings', () => {
    expect(() => makeHub({ keepAliveMs: -1 })).toThrow(RangeError);
    expect(() => makeHub({ maxBufferedBytes: Number.NaN })).toThrow(RangeError);
    expect(() => makeHub({ maxStreams: -1 })).toThrow(RangeError);
    expect(() => makeHub({ maxStreams: Number.POSITIVE_INFINITY })).not.toThrow();
  });

  it('is driven from the memory bus', async () => {
    const hub = makeHub();
    const bus = createMemoryBus();
    const stop = bus.subscribe((event) => hub.dispatch(event));
    const reader = new FrameReader(hub.open('bus', { resourceSubscriptions: ['test://a'] }));
    await reader.message();
    bus.publish({ type: 'resources/updated', uri: 'test://a/1' });
    bus.publish({ type: 'tools/list_changed' });
    stop();
    hub.close();
    expect(await reader.rest()).toEqual([note('notifications/resources/updated', 'bus', { uri: 'test://a/1' }), finalResult('bus')]);
  });
});

describe('ListenHub: task status (TKX-09)', () => {
  const ALICE = 'subject:alice';
  const BOB = 'subject:bob';
  const state = (taskId: string, status: string, extra: Record<string, unknown> = {}) => ({
    taskId,
    status,
    createdAt: '2026-07-28T00:00:00.000Z',
    lastUpdatedAt: '2026-07-28T00:00:01.000Z',
    ttlMs: 60_000,
    ...extra,
  });
  const taskEvent = (taskId: string, owner: string, status: string, extra: Record<string, unknown> = {}): McpEvent => ({
    type: 'tasks/status',
    taskId,
    owner,
    task: state(taskId, status, extra),
  });

  it('acknowledges the distinct non-empty taskIds, and only with an owner', async () => {
    const hub = makeHub();
    const a = new FrameReader(hub.open('a', { toolsListChanged: true, taskIds: ['t1', 't2', 't1', '', 3 as unknown as string] }, undefined, ALICE));
    expect((await a.message()).params.notifications).toEqual({ toolsListChanged: true, taskIds: ['t1', 't2'] });
    // No owner: the transport did not accept the ask, so the hub honours nothing of it.
    const b = new FrameReader(hub.open('b', { taskIds: ['t1'] }));
    expect((await b.message()).params.notifications).toEqual({});
    // Nothing left: omitted, like an empty resourceSubscriptions.
    const c = new FrameReader(hub.open('c', { taskIds: [] }, undefined, ALICE));
    expect((await c.message()).params.notifications).toEqual({});
    hub.dispatch(taskEvent('t1', ALICE, 'working'));
    hub.close();
    expect(await a.rest()).toEqual([note('notifications/tasks', 'a', state('t1', 'working')), finalResult('a')]);
    expect(await b.rest()).toEqual([finalResult('b')]);
    expect(await c.rest()).toEqual([finalResult('c')]);
  });

  it('sends the task state tagged with each stream id, only for accepted ids and the same owner', async () => {
    const hub = makeHub();
    const alice1 = new FrameReader(hub.open('alice-1', { taskIds: ['t1'] }, undefined, ALICE));
    const alice2 = new FrameReader(hub.open(2, { taskIds: ['t1', 't2'] }, undefined, ALICE));
    // Bob asks for Alice's task id (he guessed or stole it): accepted in the ack, never delivered.
    const bob = new FrameReader(hub.open('bob', { taskIds: ['t1', 't3'] }, undefined, BOB));
    const plain = new FrameReader(hub.open('plain', { toolsListChanged: true, resourcesListChanged: true }));
    for (const r of [alice1, alice2, bob, plain]) await r.message();

    hub.dispatch(taskEvent('t1', ALICE, 'working'));
    hub.dispatch(taskEvent('t2', ALICE, 'input_required', { inputRequests: { k: { method: 'roots/list' } } }));
    hub.dispatch(taskEvent('t9', ALICE, 'working')); // nobody asked
    hub.dispatch(taskEvent('t3', BOB, 'failed', { error: { code: -32603, message: 'x' } }));
    hub.dispatch(taskEvent('t1', ALICE, 'completed', { result: { content: [], resultType: 'complete' } }));
    hub.dispatch({ type: 'tools/list_changed' });
    hub.close();

    expect(await alice1.rest()).toEqual([
      note('notifications/tasks', 'alice-1', state('t1', 'working')),
      note('notifications/tasks', 'alice-1', state('t1', 'completed', { result: { content: [], resultType: 'complete' } })),
      finalResult('alice-1'),
    ]);
    expect(await alice2.rest()).toEqual([
      note('notifications/tasks', 2, state('t1', 'working')),
      note('notifications/tasks', 2, state('t2', 'input_required', { inputRequests: { k: { method: 'roots/list' } } })),
      note('notifications/tasks', 2, state('t1', 'completed', { result: { content: [], resultType: 'complete' } })),
      finalResult(2),
    ]);
    expect(await bob.rest()).toEqual([note('notifications/tasks', 'bob', state('t3', 'failed', { error: { code: -32603, message: 'x' } })), finalResult('bob')]);
    expect(await plain.rest()).toEqual([note('notifications/tools/list_changed', 'plain'), finalResult('plain')]);
  });

  it('keeps a task _meta, with the subscription id last and winning, as one JSON line', async () => {
    const hub = makeHub();
    const reader = new FrameReader(hub.open('m"', { taskIds: ['t1'] }, undefined, ALICE));
    await reader.message();
    hub.dispatch(taskEvent('t1', ALICE, 'working', { statusMessage: 'a\nb "q"', _meta: { 'x/y': 1, [KEY]: 'forged' } }));
    const frame = await reader.next();
    const expected = {
      jsonrpc: '2.0',
      method: 'notifications/tasks',
      params: { ...state('t1', 'working', { statusMessage: 'a\nb "q"' }), _meta: { 'x/y': 1, [KEY]: 'm"' } },
    };
    expect(frame?.raw).toBe(`data: ${JSON.stringify(expected)}\n\n`);
    hub.close();
  });

  it('forgets a closed stream in the task index: later events neither reach nor trouble it', async () => {
    const hub = makeHub();
    const controller = new AbortController();
    const gone = new FrameReader(hub.open('gone', { taskIds: ['t1'] }, controller.signal, ALICE));
    const stays = new FrameReader(hub.open('stays', { taskIds: ['t1'] }, undefined, ALICE));
    await gone.message();
    await stays.message();
    controller.abort();
    expect(hub.count).toBe(1);
    hub.dispatch(taskEvent('t1', ALICE, 'working'));
    await stays.cancel();
    expect(hub.count).toBe(0);
    expect(() => hub.dispatch(taskEvent('t1', ALICE, 'completed'))).not.toThrow();
    expect(await gone.rest()).toEqual([]);
    // A new stream for the same task starts clean.
    const again = new FrameReader(hub.open('again', { taskIds: ['t1'] }, undefined, ALICE));
    await again.message();
    hub.dispatch(taskEvent('t1', ALICE, 'cancelled'));
    hub.close();
    expect(await again.rest()).toEqual([note('notifications/tasks', 'again', state('t1', 'cancelled')), finalResult('again')]);
  });

  it('drops a slow task listener without disturbing the others', async () => {
    const hub = makeHub({ maxBufferedBytes: 600 });
    const slow = hub.open('slow', { taskIds: ['t1'] }, undefined, ALICE);
    const fast = new FrameReader(hub.open('fast', { taskIds: ['t1'] }, undefined, ALICE));
    await fast.message();
    for (let i = 0; i < 10; i++) {
      hub.dispatch(taskEvent('t1', ALICE, 'working', { statusMessage: `step ${i}` }));
      await fast.message();
    }
    expect(hub.count).toBe(1);
    await expect(slow.body!.getReader().read()).rejects.toThrow(/overflow/);
    hub.close();
  });

  it('is driven from the memory bus', async () => {
    const hub = makeHub();
    const bus = createMemoryBus();
    bus.subscribe((event) => hub.dispatch(event));
    const reader = new FrameReader(hub.open('bus', { taskIds: ['t1'] }, undefined, ALICE));
    await reader.message();
    bus.publish(taskEvent('t1', ALICE, 'working'));
    bus.publish(taskEvent('t1', BOB, 'working'));
    hub.close();
    expect(await reader.rest()).toEqual([note('notifications/tasks', 'bus', state('t1', 'working')), finalResult('bus')]);
  });
});
