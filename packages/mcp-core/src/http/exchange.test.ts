import { describe, expect, it } from 'vitest';
import { Exchange } from './exchange';
import type { ExchangeHost } from './exchange';
import { LogicalStream } from './logical-stream';
import type { StreamHost } from './logical-stream';

/** A fake session side: records opened streams and fallback messages; no event store, no keep-alives. */
function fakeHost(fallbackResult = true) {
  const fallback: string[] = [];
  const streams: LogicalStream[] = [];
  let connections = 0;
  let done = 0;
  const streamHost: StreamHost = {
    events: undefined,
    keepAliveMs: 0,
    maxBufferedBytes: 1 << 20,
    connectionOpened: () => void connections++,
    connectionClosed: () => void connections--,
    streamDone: () => void done++,
  };
  const host: ExchangeHost = {
    openStream() {
      const stream = new LogicalStream(`s${streams.length}`, 'post', streamHost);
      streams.push(stream);
      return { stream, sse: stream.attach(undefined) };
    },
    fallback(text) {
      fallback.push(text);
      return fallbackResult;
    },
  };
  return { host, fallback, streams, connections: () => connections, done: () => done };
}

/** Reads an SSE body to its end and returns the data of each event. */
async function sseData(res: Response): Promise<string[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((f) => f !== '')
    .map((f) =>
      f
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n'),
    );
}

/** Whether a promise has settled after the current microtasks. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

const result = (id: number) => `{"jsonrpc":"2.0","id":${id},"result":{}}`;
const progress = (n: number) => `{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":${n}}}`;

describe('Exchange: JSON when the result comes first (TRAP-10, SH-04)', () => {
  it('answers application/json with the response text when nothing streamed', async () => {
    const h = fakeHost();
    const ex = new Exchange(h.host, true, 1, false);
    expect(await settled(ex.response)).toBe(false);
    ex.reply(result(1));
    const res = await ex.response;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe(result(1));
    expect(h.streams).toHaveLength(0);
    expect(ex.open).toBe(false);
  });

  it('ignores replies after the exchange is done', async () => {
    const h = fakeHost();
    const ex = new Exchange(h.host, true, 1, false);
    ex.reply(result(1));
    ex.reply(result(2));
    expect(await (await ex.response).text()).toBe(result(1));
  });

  it('routes related messages after the JSON answer to the fallback (GET stream)', async () => {
    const h = fakeHost();
    const ex = new Exchange(h.host, true, 1, false);
    ex.reply(result(1));
    expect(ex.related(progress(1))).toBe(true);
    expect(h.fallback).toEqual([progress(1)]);
    expect(ex.upgrade()).toBe(false);
  });
});

describe('Exchange: SSE when a related message comes first (SH-05)', () => {
  it('resolves as text/event-stream at the first related message, sends events in order, result last, then closes', async () => {
    const h = fakeHost();
    const ex = new Exchange(h.host, true, 1, false);
    expect(ex.related(progress(1))).toBe(true);
    const res = await ex.response;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toContain('no-cache');
    expect(ex.stream).toBe(h.streams[0]);
    expect(ex.related(progress(2))).toBe(true);
    ex.reply(result(1));
    expect(ex.open).toBe(false);
    // Reading to the end proves the stream closed after the result.
    expect(await sseData(res)).toEqual([progress(1), progress(2), result(1)]);
    expect(h.fallback).toEqual([]);
    expect(h.connections()).toBe(0);
    expect(h.done()).toBe(1);
  });

  it('sends nothing after the final response on the closed stream (late related → fallback)', async () => {
    const h = fakeHost();
    const ex = new Exchange(h.host, true, 1, false);
    ex.related(progress(1));
    ex.reply(result(1));
    ex.related(progress(2));
    expect(h.fallback).toEqual([progress(2)]);
    expect(await sseData(await ex.response)).toEqual([progress(1), result(1)]);
  });

  it('an open stream is handed over through the promise, never as settled (regression: W2 pumped a live stream)', async () => {
    const h = fakeHost();
    const ex = new Exchange(h.host, true, 1, false);
    ex.related(progress(1));
    // Decided as SSE, but still open: a caller must wait on the promise, by when an async tool may have finished.
    expect(ex.settled).toBeUndefined();
    const handed = ex.response;
    ex.reply(result(1));
    expect(ex.settled).toBeDefined();
    expect(await sseData(await handed)).toEqual([progress(1), result(1)]);
    // A JSON answer is settled at once.
    const json = new Exchange(fakeHost().host, true, 1, false);
    json.reply(result(2));
    expect(json.settled?.headers.get('content-type')).toBe('application/json');
  });

  it('upgrade() commits to SSE once and is idempotent', async () => {
    const h = fakeHost();
    const ex = new Exchange(h.host, true, 1, false);
    expect(ex.upgrade()).toBe(true);
    expect(ex.upgrade()).toBe(true);
    expect(h.streams).toHaveLength(1);
    ex.reply(result(1));
    expect(await sseData(await ex.response)).toEqual([result(1)]);
  });
});

describe('Exchange: never SSE when the client does not accept it (SH-02, TRAP-22)', () => {
  it('sends related messages to the fallback and answers JSON', async () => {
    const h = fakeHost();
    const ex = new Exchange(h.host, false, 1, false);
    expect(ex.related(progress(1))).toBe(true);
    expect(ex.upgrade()).toBe(false);
    expect(h.fallback).toEqual([progress(1)]);
    expect(h.streams).toHaveLength(0);
    expect(await settled(ex.response)).toBe(false);
    ex.reply(result(1));
    const res = await ex.response;
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe(result(1));
  });

  it('reports false when the fallback cannot carry the message either (no GET stream)', () => {
    const h = fakeHost(false);
    const ex = new Exchange(h.host, false, 1, false);
    expect(ex.related(progress(1))).toBe(false);
  });
});

describe('Exchange: batches (JR-11)', () => {
  it('answers a JSON array with both responses when expecting 2', async () => {
    const h = fakeHost();
    const ex = new Exchange(h.host, true, 2, true);
    ex.reply(result(1));
    expect(await settled(ex.response)).toBe(false);
    expect(ex.open).toBe(true);
    ex.reply(result(2));
    const res = await ex.response;
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await res.text();
    expect(body).toBe(`[${result(1)},${result(2)}]`);
    expect(JSON.parse(body)).toHaveLength(2);
  });

  it('answers an array even for a batch of one', async () => {
    const ex = new Exchange(fakeHost().host, true, 1, true);
    ex.reply(result(1));
    expect(await (await ex.response).text()).toBe(`[${result(1)}]`);
  });

  it('on upgrade mid-batch, sends the responses already complete first', async () => {
    const h = fakeHost();
    const ex = new Exchange(h.host, true, 2, true);
    ex.reply(result(1));
    ex.related(progress(1));
    ex.reply(result(2));
    expect(await sseData(await ex.response)).toEqual([result(1), progress(1), result(2)]);
  });

  it('leaves a cancelled request out of the batch array', async () => {
    const ex = new Exchange(fakeHost().host, true, 2, true);
    ex.reply(undefined);
    ex.reply(result(2));
    expect(await (await ex.response).text()).toBe(`[${result(2)}]`);
  });
});

describe('Exchange: a cancelled request owes nothing (CAN-01)', () => {
  it('answers an empty SSE body when the client accepts SSE', async () => {
    const ex = new Exchange(fakeHost().host, true, 1, false);
    ex.reply(undefined);
    const res = await ex.response;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe('');
  });

  it('answers 202 with no body when the client accepts only JSON', async () => {
    const ex = new Exchange(fakeHost().host, false, 1, false);
    ex.reply(undefined);
    const res = await ex.response;
    expect(res.status).toBe(202);
    expect(res.body).toBeNull();
  });

  it('closes an upgraded stream without a result event', async () => {
    const h = fakeHost();
    const ex = new Exchange(h.host, true, 1, false);
    ex.related(progress(1));
    ex.reply(undefined);
    expect(await sseData(await ex.response)).toEqual([progress(1)]);
  });
});
